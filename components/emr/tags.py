"""Tags EMR itself requires (everything else is tagged once through each provider's ``default_tags``)."""

from __future__ import annotations

EMR_MANAGED_TAG = {"for-use-with-amazon-emr-managed-policies": "true"}
"""EMR's managed service policy v2 only acts on subnets and security groups carrying this tag
(https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-managed-iam-policies.html)."""
