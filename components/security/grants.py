"""Least-privilege grant helpers: intent in, IAM statements scoped to exact ARNs out.

Components never write policy JSON by hand: they ask for ``s3_read(bucket_arn, "raw/")`` or
``kms_use(key_arn)`` and assemble the statements with ``policy_document``. Every helper refuses a wildcard
resource (``"*"``) - an input that would need one must be made explicit by the caller through
``unscoped_read_only``, which only admits read-only actions AWS does not allow to scope, or through one of the two
write actions AWS authorizes only on ``"*"``, each pinned by the narrowest mechanism AWS offers:

- ``put_metric_data``: ``cloudwatch:PutMetricData`` scoped with the ``cloudwatch:namespace`` condition key
  (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html);
- ``create_log_delivery``: ``logs:CreateLogDelivery``, which the caller configuring vended-log delivery (FIS
  experiment logging) needs and which admits no resource
  (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-CWL.html);
- ``session_manager_instance``: the SSM Agent's message channels (``ssmmessages:*Channel``, ``ec2messages:*``), which
  have no resource types (see the helper); its registration is scoped to the instances of one cluster.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pulumi

Statement = pulumi.Output[dict[str, Any]]

_SID_RE = re.compile(r"[^A-Za-z0-9]")


def _sid(text: str) -> str:
    return _SID_RE.sub("", text.title())[:100]


def _no_wildcard(arn: str) -> str:
    if arn.strip() in {"*", ""} or (arn.endswith(":*") and arn.count(":") <= 2):
        raise ValueError(f"refusing a wildcard resource {arn!r}: grants are scoped to exact ARNs")
    return arn


def statement(
    sid: str,
    actions: Sequence[str],
    resources: Sequence[pulumi.Input[str]],
    *,
    effect: str = "Allow",
    conditions: pulumi.Input[dict[str, Any]] | None = None,
) -> Statement:
    """One statement on exact resources. ``resources`` may be Outputs (ARNs of resources in the stack)."""
    if not actions:
        raise ValueError("a statement needs at least one action")
    for action in actions:
        if action == "*" or action.endswith(":*"):
            raise ValueError(f"refusing wildcard action {action!r}: name the actions the principal needs")

    def build(args: list[Any]) -> dict[str, Any]:
        res = [_no_wildcard(str(r)) for r in args[:-1]]
        cond = args[-1]
        stmt: dict[str, Any] = {
            "Sid": _sid(sid),
            "Effect": effect,
            "Action": sorted(set(actions)),
            "Resource": res[0] if len(res) == 1 else sorted(set(res)),
        }
        if cond:
            stmt["Condition"] = cond
        return stmt

    return pulumi.Output.all(*resources, conditions).apply(build)


def unscoped_read_only(sid: str, actions: Sequence[str]) -> Statement:
    """Read-only actions that AWS only allows on ``"*"`` (for example ``ec2:DescribeInstances``).

    Only ``Describe*``/``List*``/``Get*`` style actions are accepted here; anything else must be scoped.
    """
    for action in actions:
        verb = action.split(":", 1)[1] if ":" in action else action
        if not verb.startswith(("Describe", "List", "Get")) or "*" in action:
            raise ValueError(f"{action!r} is not a read-only action that must be unscoped; scope it to ARNs")
    return pulumi.Output.from_input(
        {"Sid": _sid(sid), "Effect": "Allow", "Action": sorted(set(actions)), "Resource": "*"}
    )


def put_metric_data(namespace: str, *, sid: str = "publish custom metrics") -> Statement:
    """Publish metrics to exactly one custom namespace."""
    if not namespace or "*" in namespace or namespace.startswith("AWS/"):
        raise ValueError(f"refusing namespace {namespace!r}: name one custom namespace exactly")
    stmt: dict[str, Any] = {
        "Sid": _sid(sid),
        "Effect": "Allow",
        "Action": ["cloudwatch:PutMetricData"],
        "Resource": "*",
        "Condition": {"StringEquals": {"cloudwatch:namespace": namespace}},
    }
    return pulumi.Output.from_input(stmt)


def create_log_delivery(*, sid: str = "create log delivery") -> Statement:
    """Set up vended-log delivery (the destination log group's resource policy must already admit
    ``delivery.logs.amazonaws.com``, so ``logs:PutResourcePolicy`` is not needed)."""
    stmt: dict[str, Any] = {"Sid": _sid(sid), "Effect": "Allow", "Action": ["logs:CreateLogDelivery"], "Resource": "*"}
    return pulumi.Output.from_input(stmt)


#: Session Manager's data and control channels (the agent opens them for every session) and the older message
#: channel the agent also polls (Run Command, agents before 3.3.40.0). The Service Authorization Reference lists no
#: resource type for any of them, so IAM accepts only ``"*"``
#: (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmessagegatewayservice.html,
#: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmessagedeliveryservice.html;
#: parliament 1.6.4's iam_definition.json agrees), and the only condition key they list, ``ssm:SourceInstanceARN``,
#: "is not present when the request comes from the managed instance authenticated with an IAM role associated
#: with EC2 instance profile" - so none can narrow them for EC2 nodes.
SSM_MESSAGE_ACTIONS: tuple[str, ...] = (
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
    "ec2messages:AcknowledgeMessage",
    "ec2messages:DeleteMessage",
    "ec2messages:FailMessage",
    "ec2messages:GetEndpoint",
    "ec2messages:GetMessages",
    "ec2messages:SendReply",
)


def session_manager_instance(
    *,
    region: str,
    account_id: pulumi.Input[str],
    instance_tags: dict[str, pulumi.Input[str]],
    partition: str = "aws",
    sid: str = "session manager",
) -> list[Statement]:
    """What an instance's SSM Agent needs for Session Manager (the session part of AmazonSSMManagedInstanceCore:
    https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html),
    as narrow as IAM allows:

    - ``ssm:UpdateInstanceInformation`` (the agent registers and heartbeats) takes the EC2 ``instance`` resource
      type, whose condition keys include ``aws:ResourceTag/${TagKey}``
      (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html): scoped to
      the instances of ``region``/``account_id`` that carry every tag of ``instance_tags`` (EMR propagates a
      cluster's tags to its instances: https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-plan-tags.html);
    - ``SSM_MESSAGE_ACTIONS`` on ``"*"``: no resource types exist for them (see the constant).

    Left out of the managed policy on purpose: State Manager, Inventory, Patch Manager, compliance and
    ``ssm:GetParameter(s)``/``GetDocument`` - not used by a session; grant them where those features are used.
    """
    if not instance_tags:
        raise ValueError("session_manager_instance: name at least one tag that only this cluster's instances carry")
    instances = pulumi.Output.concat(f"arn:{partition}:ec2:{region}:", account_id, ":instance/*")
    conditions = pulumi.Output.from_input(instance_tags).apply(
        lambda tags: {"StringEquals": {f"aws:ResourceTag/{k}": v for k, v in sorted(tags.items())}}
    )
    channels: dict[str, Any] = {
        "Sid": _sid(f"{sid} channels"),
        "Effect": "Allow",
        "Action": sorted(SSM_MESSAGE_ACTIONS),
        "Resource": "*",
    }
    return [
        statement(f"{sid} register", ["ssm:UpdateInstanceInformation"], [instances], conditions=conditions),
        pulumi.Output.from_input(channels),
    ]


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/key`` -> (bucket, key)."""
    if not uri.startswith("s3://") or "/" not in uri[5:]:
        raise ValueError(f"not an s3://bucket/key URI: {uri!r}")
    bucket, key = uri[5:].split("/", 1)
    return bucket, key


def s3_object_read(bucket: pulumi.Input[str], key: pulumi.Input[str], *, sid: str) -> Statement:
    """Read exactly one object (a certificate zip, a catalog file, an installer tarball)."""
    arn = pulumi.Output.concat("arn:aws:s3:::", bucket, "/", key)
    return statement(sid, ["s3:GetObject"], [arn])


def _prefix(prefix: str) -> str:
    prefix = prefix.lstrip("/")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return prefix


def s3_read(bucket_arn: pulumi.Input[str], prefix: str = "", *, sid: str = "s3 read") -> list[Statement]:
    """Read objects under ``prefix`` (whole bucket when empty) and list only that prefix."""
    p = _prefix(prefix)
    objects = pulumi.Output.concat(bucket_arn, "/", p, "*")
    listing_condition = {"StringLike": {"s3:prefix": [f"{p}*"]}} if p else None
    # Only s3:ListBucket supports the s3:prefix condition key; bucket-level reads that do not get their own
    # unconditioned statement (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
    return [
        statement(f"{sid} objects", ["s3:GetObject", "s3:GetObjectVersion"], [objects]),
        statement(f"{sid} list", ["s3:ListBucket"], [bucket_arn], conditions=listing_condition),
        statement(f"{sid} bucket", ["s3:GetBucketLocation"], [bucket_arn]),
    ]


def s3_write(
    bucket_arn: pulumi.Input[str], prefix: str = "", *, delete: bool = False, sid: str = "s3 write"
) -> list[Statement]:
    """Write (and with ``delete``, delete) objects under ``prefix``; multipart uploads included."""
    p = _prefix(prefix)
    objects = pulumi.Output.concat(bucket_arn, "/", p, "*")
    actions = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    if delete:
        actions.append("s3:DeleteObject")
    return [
        statement(f"{sid} objects", actions, [objects]),
        statement(
            f"{sid} list",
            ["s3:ListBucket"],
            [bucket_arn],
            conditions={"StringLike": {"s3:prefix": [f"{p}*"]}} if p else None,
        ),
        statement(f"{sid} bucket", ["s3:ListBucketMultipartUploads", "s3:GetBucketLocation"], [bucket_arn]),
    ]


def kms_use(key_arns: Iterable[pulumi.Input[str]], *, decrypt_only: bool = False, sid: str = "kms use") -> Statement:
    """Use customer-managed keys for envelope encryption (SSE-KMS, EBS, logs)."""
    actions = ["kms:Decrypt", "kms:DescribeKey"]
    if not decrypt_only:
        actions += [
            "kms:Encrypt",
            "kms:GenerateDataKey",
            "kms:GenerateDataKeyWithoutPlaintext",
            "kms:ReEncryptFrom",
            "kms:ReEncryptTo",
        ]
    return statement(sid, actions, list(key_arns))


def secret_read(secret_arn: pulumi.Input[str], *, sid: str = "secret read") -> Statement:
    """Read one Secrets Manager secret's value (``GetSecretValue``, ``DescribeSecret``) on its exact ARN. The secret's
    KMS key must be usable by the caller too (``kms_use(..., decrypt_only=True)``), unless another grant covers it.
    Actions and resource type: Service Authorization Reference, "AWS Secrets Manager"
    (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html)."""
    return statement(sid, ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"], [secret_arn])


def secret_write(secret_arn: pulumi.Input[str], *, sid: str = "secret write") -> Statement:
    """Put a new value into one Secrets Manager secret (``PutSecretValue``) on its exact ARN."""
    return statement(sid, ["secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue"], [secret_arn])


def logs_write(log_group_arns: Iterable[pulumi.Input[str]], *, sid: str = "logs write") -> Statement:
    """Create streams and put events in the given log groups (and only those).

    CreateLogStream/PutLogEvents act on the groups' log streams; DescribeLogStreams is authorized on the log group
    itself (Service Authorization Reference, CloudWatch Logs), so both the group ARNs and their stream ARNs are
    listed - IAM matches each action against the resource type it uses.
    """
    groups = list(log_group_arns)
    streams = [pulumi.Output.concat(arn, ":log-stream:*") for arn in groups]
    return statement(
        sid,
        ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        [*groups, *streams],
    )


def policy_document(statements: Iterable[Statement | list[Statement]]) -> pulumi.Output[str]:
    """Assemble statements (or lists of them) into a policy document JSON string."""
    flat: list[Statement] = []
    for item in statements:
        flat.extend(item if isinstance(item, list) else [item])
    if not flat:
        raise ValueError("a policy document needs at least one statement")

    def render(stmts: list[dict[str, Any]]) -> str:
        seen: dict[str, int] = {}
        for stmt in stmts:
            n = seen.get(stmt["Sid"], 0)
            seen[stmt["Sid"]] = n + 1
            if n:
                stmt["Sid"] = f"{stmt['Sid']}{n + 1}"
        return json.dumps({"Version": "2012-10-17", "Statement": stmts}, sort_keys=True)

    return pulumi.Output.all(*flat).apply(render)


def service_assume_role_policy(
    services: Sequence[str], *, source_account: str | None = None, source_arn_like: str | None = None
) -> str:
    """A trust policy for AWS service principals, with the confused-deputy conditions AWS recommends
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html)."""
    stmt: dict[str, Any] = {
        "Sid": "ServiceAssume",
        "Effect": "Allow",
        "Principal": {"Service": sorted(services) if len(services) > 1 else services[0]},
        "Action": "sts:AssumeRole",
    }
    cond: dict[str, Any] = {}
    if source_account:
        cond["StringEquals"] = {"aws:SourceAccount": source_account}
    if source_arn_like:
        cond["ArnLike"] = {"aws:SourceArn": source_arn_like}
    if cond:
        stmt["Condition"] = cond
    return json.dumps({"Version": "2012-10-17", "Statement": [stmt]}, sort_keys=True)


def service_account_trust_policy(oidc_provider_arn: str, *, sid: str, subject: str, subject_like: bool = False) -> str:
    """A trust policy for Kubernetes service accounts through an EKS cluster's IAM OIDC provider (IRSA): the token's
    ``sub`` must be ``subject`` (``StringLike`` when ``subject_like``, for patterns) and its ``aud`` the one IRSA
    requires, ``sts.amazonaws.com``
    (https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html)."""
    if ":oidc-provider/" not in oidc_provider_arn:
        raise ValueError(f"not an IAM OIDC provider ARN: {oidc_provider_arn!r}")
    issuer = oidc_provider_arn.split(":oidc-provider/", 1)[1]
    audience = {f"{issuer}:aud": "sts.amazonaws.com"}
    condition: dict[str, Any] = (
        {"StringLike": {f"{issuer}:sub": subject}, "StringEquals": audience}
        if subject_like
        else {"StringEquals": {f"{issuer}:sub": subject, **audience}}
    )
    stmt = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Federated": oidc_provider_arn},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": condition,
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [stmt]}, sort_keys=True)
