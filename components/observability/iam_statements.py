"""IAM statements the grant helpers cannot express: actions AWS authorizes only on ``"*"`` that are not read-only.

``components/security/grants.py`` refuses a ``"*"`` resource except for read-only actions. Two write actions the
observability and resilience components need support no resource-level permissions at all, so each is pinned
here by the narrowest mechanism AWS offers instead (a condition key, or nothing else being grantable):

- ``cloudwatch:PutMetricData``: resource ``*`` only; scoped with the ``cloudwatch:namespace`` condition key
  (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html).
- ``logs:CreateLogDelivery``: resource ``*`` only; the caller that configures vended-log delivery (FIS experiment
  logging) needs it (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-CWL.html).

Each function builds one statement with the same shape ``grants.statement`` produces.
"""

from __future__ import annotations

from typing import Any

import pulumi

from components.security.grants import Statement, _sid


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
    stmt: dict[str, Any] = {
        "Sid": _sid(sid),
        "Effect": "Allow",
        "Action": ["logs:CreateLogDelivery"],
        "Resource": "*",
    }
    return pulumi.Output.from_input(stmt)
