"""EMR on EKS job templates send their logs to encrypted destinations of this stack.

``aws:emrcontainers/jobTemplate:JobTemplate`` (pulumi-aws 7.51.1, ``pulumi_aws/emrcontainers/_inputs.py``):
``jobTemplateData.configurationOverrides.monitoringConfiguration`` with
``cloudWatchMonitoringConfiguration.logGroupName`` (+ ``logStreamNamePrefix``) and
``s3MonitoringConfiguration.logUri`` (``s3://bucket/prefix``). Every job started from the template writes driver and
executor logs there (EMR on EKS, "Run jobs with job templates", "Configure a job run to use Amazon CloudWatch Logs /
Amazon S3 logs").

- The log group must be an ``aws:cloudwatch/logGroup:LogGroup`` of the stack (matched by its ``name`` output, or by
  the template's property dependency) with ``kmsKeyId`` set.
- The bucket must be an S3 bucket of the stack whose default encryption (a ``BucketServerSideEncryptionConfiguration``
  or the legacy inline block) uses one of ``allowedS3Algorithms``.
- A destination outside the stack, or a template parameter (``${...}``), cannot be verified: a finding unless
  ``allowExternalDestinations`` is on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, StackResource, StackRule
from hybrid_burst_guardrails.core.s3 import BUCKET_TYPES, attachments
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import as_list, as_mapping, first_block, is_set

RULE_ID = "emr-on-eks-job-template-logs-encrypted"
DESCRIPTION = (
    "EMR on EKS job templates must send logs to a KMS-encrypted CloudWatch log group and an SSE-KMS bucket of "
    "the stack."
)
SEVERITY = Severity.HIGH
REMEDIATION = (
    "Point monitoring_configuration.cloud_watch_monitoring_configuration.log_group_name at an aws.cloudwatch.LogGroup "
    "of the stack with kms_key_id=key.arn, and s3_monitoring_configuration.log_uri at a bucket of the stack with an "
    "SSE-KMS BucketServerSideEncryptionConfiguration (pass log_group.name and the bucket's name as Outputs)."
)
CONFIG_SCHEMA: ConfigSchema = {
    "allowedS3Algorithms": {
        "type": "array",
        "items": {"type": "string", "enum": ["aws:kms", "aws:kms:dsse", "AES256"]},
        "minItems": 1,
        "default": ["aws:kms", "aws:kms:dsse"],
        "description": "Default-encryption algorithms accepted for the S3 log bucket.",
    },
    "allowExternalDestinations": {
        "type": "boolean",
        "default": False,
        "description": "Accept log groups/buckets that are not in the stack or are template parameters (unverified).",
    },
}

JOB_TEMPLATE = "aws:emrcontainers/jobTemplate:JobTemplate"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
SSE_CONFIG_TYPES = frozenset(
    {
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    }
)
BASE = "jobTemplateData.configurationOverrides.monitoringConfiguration"


def _dig(value: object, *keys: str) -> object:
    for key in keys:
        if is_unknown(value):
            return value
        block = as_mapping(first_block(value))
        if block is None:
            return None
        value = block.get(key)
    return value


def _algorithms(rules: object) -> tuple[set[str], bool]:
    found: set[str] = set()
    unknown = is_unknown(rules)
    for rule in as_list(rules) if not unknown else []:
        algorithm = _dig(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm")
        if is_unknown(algorithm):
            unknown = True
        elif isinstance(algorithm, str):
            found.add(algorithm)
    return found, unknown


def _bucket_algorithms(bucket: StackResource, configs: list[StackResource]) -> tuple[set[str], bool]:
    if configs:
        found: set[str] = set()
        unknown = False
        for cfg in configs:
            algorithms, cfg_unknown = _algorithms(cfg.props.get("rules"))
            found |= algorithms
            unknown |= cfg_unknown
        return found, unknown
    return _algorithms(_dig(bucket.props.get("serverSideEncryptionConfiguration"), "rule"))


def _by_dependency(template: StackResource, candidates: Sequence[StackResource]) -> list[StackResource]:
    deps = set(template.deps_of("jobTemplateData"))
    return [c for c in candidates if c.urn in deps]


def _external(ev: Evaluation, config: Config, template: StackResource, what: str) -> None:
    if not config["allowExternalDestinations"]:
        ev.fail(f"Job template {template.name}: {what}; its encryption cannot be verified.", template.urn)


def check(resources: Sequence[StackResource], config: Config) -> Evaluation:
    ev = Evaluation()
    groups = [r for r in resources if r.type == LOG_GROUP]
    buckets = [r for r in resources if r.type in BUCKET_TYPES]
    sse = attachments(buckets, [r for r in resources if r.type in SSE_CONFIG_TYPES])
    allowed = set(config["allowedS3Algorithms"])
    for template in (r for r in resources if r.type == JOB_TEMPLATE):
        monitoring: Any = _dig(
            template.props.get("jobTemplateData"), "configurationOverrides", "monitoringConfiguration"
        )
        if is_unknown(monitoring):
            ev.unknown(f"{template.name}.{BASE}", template.urn)
            continue
        _judge_log_group(ev, config, template, _dig(monitoring, "cloudWatchMonitoringConfiguration"), groups)
        s3 = _dig(monitoring, "s3MonitoringConfiguration")
        if s3 is None:
            continue
        uri = _dig(s3, "logUri")
        if is_unknown(uri):
            linked = _by_dependency(template, buckets)
            if len(linked) != 1:
                ev.unknown(f"{template.name}.{BASE}.s3MonitoringConfiguration.logUri", template.urn)
                continue
            bucket = linked[0]
        else:
            name = uri[len("s3://") :].split("/", 1)[0] if isinstance(uri, str) and uri.startswith("s3://") else None
            if not name or "${" in str(uri):
                _external(ev, config, template, f"s3 logUri {uri!r} is not an s3://bucket URI of the stack")
                continue
            matches = [b for b in buckets if name in (b.props.get("bucket"), b.props.get("id"))]
            if not matches:
                _external(ev, config, template, f"log bucket {name!r} is not a bucket of this stack")
                continue
            bucket = matches[0]
        algorithms, unknown = _bucket_algorithms(bucket, sse.of(bucket))
        if unknown:
            ev.unknown(f"{bucket.name} default encryption", template.urn)
        elif not algorithms or not algorithms <= allowed:
            shown = sorted(algorithms) or "none configured in this stack"
            ev.fail(
                f"Job template {template.name} writes logs to bucket {bucket.name}, whose default encryption is "
                f"{shown}; allowed: {sorted(allowed)}.",
                template.urn,
            )
    return ev


def _judge_log_group(
    ev: Evaluation, config: Config, template: StackResource, cloudwatch: object, groups: Sequence[StackResource]
) -> None:
    if cloudwatch is None:
        return
    name = _dig(cloudwatch, "logGroupName")
    if is_unknown(cloudwatch) or is_unknown(name):
        linked = _by_dependency(template, groups)
        if len(linked) != 1:
            ev.unknown(f"{template.name}.{BASE}.cloudWatchMonitoringConfiguration.logGroupName", template.urn)
            return
        group = linked[0]
    else:
        if not isinstance(name, str) or "${" in name:
            _external(ev, config, template, f"log group {name!r} is a template parameter")
            return
        matches = [g for g in groups if g.props.get("name") == name]
        if not matches:
            _external(ev, config, template, f"log group {name!r} is not a log group of this stack")
            return
        group = matches[0]
    key: Mapping[str, Any] | object = group.props.get("kmsKeyId")
    if not is_set(key):
        ev.fail(
            f"Job template {template.name} writes logs to log group {group.name}, which has no kmsKeyId.",
            template.urn,
        )


RULE = StackRule(
    id=RULE_ID,
    family=Family.ENCRYPTION,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({JOB_TEMPLATE, LOG_GROUP} | BUCKET_TYPES | SSE_CONFIG_TYPES),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
