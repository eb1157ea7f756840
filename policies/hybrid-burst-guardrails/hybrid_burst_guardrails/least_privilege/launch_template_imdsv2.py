"""Launch templates require IMDSv2 (``metadataOptions.httpTokens = "required"``).

pulumi-aws 7.51.1 ``LaunchTemplateMetadataOptionsArgs``: ``httpTokens`` "Can be ``optional`` or ``required``.
(Default: ``optional``)"; ``httpEndpoint`` ``enabled``/``disabled`` (a disabled endpoint needs no tokens);
``httpPutResponseHopLimit`` 1-64 (default 1; 2 lets containers on the node reach IMDS, as EKS nodes need).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from hybrid_burst_guardrails.core.coerce import provider_int
from hybrid_burst_guardrails.core.rule import Config, ConfigSchema, Evaluation, Family, ResourceRule
from hybrid_burst_guardrails.core.unknowns import is_unknown
from hybrid_burst_guardrails.core.values import as_mapping, first_block

RULE_ID = "launch-template-imdsv2"
DESCRIPTION = "Launch templates must require IMDSv2 (metadataOptions.httpTokens = required)."
SEVERITY = Severity.HIGH
REMEDIATION = (
    "Set metadata_options={http_tokens: 'required', http_endpoint: 'enabled', http_put_response_hop_limit: 2} "
    "on the aws.ec2.LaunchTemplate."
)
CONFIG_SCHEMA: ConfigSchema = {
    "maxHttpPutResponseHopLimit": {
        "type": "integer",
        "minimum": 1,
        "maximum": 64,
        "default": 2,
        "description": "Largest allowed httpPutResponseHopLimit.",
    },
}

LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"


def check(_resource_type: str, props: Mapping[str, Any], config: Config) -> Evaluation:
    ev = Evaluation()
    raw = props.get("metadataOptions")
    if is_unknown(raw):
        ev.unknown("metadataOptions")
        return ev
    options = as_mapping(first_block(raw)) or {}
    endpoint = options.get("httpEndpoint")
    if endpoint == "disabled":
        return ev
    tokens = options.get("httpTokens")
    if is_unknown(tokens):
        ev.unknown("metadataOptions.httpTokens")
    elif tokens != "required":
        shown = "unset (defaults to optional)" if tokens in (None, "") else repr(tokens)
        ev.fail(f"metadataOptions.httpTokens is {shown}: IMDSv1 stays available.")
    hops = options.get("httpPutResponseHopLimit")
    if is_unknown(hops):
        ev.unknown("metadataOptions.httpPutResponseHopLimit")
    else:
        limit = int(config["maxHttpPutResponseHopLimit"])
        value = provider_int(hops)
        if isinstance(value, int) and value > limit:
            ev.fail(f"metadataOptions.httpPutResponseHopLimit is {value}; the maximum allowed is {limit}.")
    return ev


RULE = ResourceRule(
    id=RULE_ID,
    family=Family.LEAST_PRIVILEGE,
    description=DESCRIPTION,
    severity=SEVERITY,
    remediation=REMEDIATION,
    config_schema=CONFIG_SCHEMA,
    resource_types=frozenset({LAUNCH_TEMPLATE}),
    check=check,
)

__all__ = ["CONFIG_SCHEMA", "DESCRIPTION", "REMEDIATION", "RULE", "RULE_ID", "SEVERITY", "check"]
