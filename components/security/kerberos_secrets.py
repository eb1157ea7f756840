"""KerberosSecrets: the Secrets Manager secrets of a Kerberized burst, each encrypted with the project's KMS key.

- ``keytab``: the keytab (base64) of the principal the burst side reads the on-prem HDFS and Hive metastore as. The
  program creates the secret, never its value: in external mode the on-prem Kerberos admins put the keytab
  (``aws secretsmanager put-secret-value --secret-id <name> --secret-string "$(base64 -w0 hb.keytab)"``); in proxy
  mode the proxy cluster's bootstrap creates the principal in its dedicated KDC and puts the keytab itself. Nodes read
  it at bootstrap with ``grant_keytab_read`` (GetSecretValue on this exact ARN).
- ``kdc-admin`` (one per cluster with a cluster-dedicated KDC): the KDC admin password EMR needs in the cluster's
  ``kerberos_attributes`` ("KdcAdminPassword ... Required", EMR API ``KerberosAttributes``,
  https://docs.aws.amazon.com/emr/latest/APIReference/API_KerberosAttributes.html).
- ``cross-realm`` (cross-realm trust only): the password of ``krbtgt/<burst realm>@<on-prem realm>``, which must be the
  same in both KDCs ("CrossRealmTrustPrincipalPassword", same page).

Generated passwords are made once, at the first ``pulumi up``, and kept: the secret version and the cluster ignore
later changes of the value (as the generated TLS certificate does, ADR 0004); rotate with
``pulumi up --replace <secret version urn>`` and a cluster replacement. They are Pulumi secrets in the state.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.security import grants

# Secrets Manager keeps a deleted secret this many days before it is gone (7-30; CreateSecret/DeleteSecret).
RECOVERY_WINDOW_DAYS = 30


def generated_password() -> pulumi.Output[str]:
    """A random password for a KDC (letters and digits: no character kadmin or a shell would mangle)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    return pulumi.Output.secret("".join(secrets.choice(alphabet) for _ in range(32)))


@dataclass(frozen=True, kw_only=True)
class KerberosSecretsArgs:
    keytab_secret_name: str
    """Name of the keytab secret (``hybrid-burst:onprem.kerberos.keytabSecretName``). Required."""
    kms_key_arn: pulumi.Input[str]
    """The project's key the secrets are encrypted with (the compute data key). Required."""
    kdc_admin_clusters: Sequence[str] = ()
    """Clusters with a cluster-dedicated KDC: one generated admin password each. Default: none."""
    cross_realm_trust: bool = False
    """Generate the cross-realm trust principal's password. Default: off."""
    protect: bool = False
    """Protect the secrets. Default: off."""


class KerberosSecrets(pulumi.ComponentResource):
    """The keytab secret (value brought out of band) and the generated KDC passwords, KMS-encrypted."""

    keytab_secret_arn: pulumi.Output[str]
    kdc_admin_passwords: dict[str, pulumi.Output[str]]
    """Cluster -> its KDC admin password (a Pulumi secret)."""
    kdc_admin_secret_arns: dict[str, pulumi.Output[str]]
    cross_realm_password: pulumi.Output[str] | None
    cross_realm_secret_arn: pulumi.Output[str] | None

    def __init__(self, name: str, args: KerberosSecretsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:security:KerberosSecrets", name, None, opts)
        keep = pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.protect)
        keytab = aws.secretsmanager.Secret(
            f"{name}-keytab",
            name=args.keytab_secret_name,
            description="hybrid-burst: keytab (base64) of the principal the burst side reads the on-prem lake as",
            kms_key_id=args.kms_key_arn,
            recovery_window_in_days=RECOVERY_WINDOW_DAYS,
            opts=keep,
        )

        def generated(role: str, description: str) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
            secret = aws.secretsmanager.Secret(
                f"{name}-{role}",
                name_prefix=f"hybrid-burst/{pulumi.get_stack()}/{role}-",
                description=description,
                kms_key_id=args.kms_key_arn,
                recovery_window_in_days=RECOVERY_WINDOW_DAYS,
                opts=keep,
            )
            password = generated_password()
            aws.secretsmanager.SecretVersion(
                f"{name}-{role}",
                secret_id=secret.id,
                secret_string=password,
                opts=pulumi.ResourceOptions(parent=self, ignore_changes=["secretString"]),
            )
            return password, secret.arn

        self.kdc_admin_passwords = {}
        self.kdc_admin_secret_arns = {}
        for cluster in args.kdc_admin_clusters:
            password, arn = generated(
                f"{cluster}-kdc-admin", f"hybrid-burst: KDC admin password of the {cluster} cluster"
            )
            self.kdc_admin_passwords[cluster] = password
            self.kdc_admin_secret_arns[cluster] = arn
        self.cross_realm_password = None
        self.cross_realm_secret_arn = None
        if args.cross_realm_trust:
            self.cross_realm_password, self.cross_realm_secret_arn = generated(
                "cross-realm", "hybrid-burst: password of the cross-realm trust principal krbtgt/<burst>@<on-prem>"
            )
        self.keytab_secret_arn = keytab.arn
        self.register_outputs(
            {
                "keytab_secret_arn": self.keytab_secret_arn,
                "kdc_admin_secret_arns": self.kdc_admin_secret_arns,
                "cross_realm_secret_arn": self.cross_realm_secret_arn,
            }
        )

    def grant_keytab_read(self) -> grants.Statement:
        """GetSecretValue on the keytab secret only (the nodes' bootstrap fetches it)."""
        return grants.secret_read(self.keytab_secret_arn, sid="onprem keytab read")

    def grant_keytab_write(self) -> grants.Statement:
        """PutSecretValue on the keytab secret only (the proxy's bootstrap stores the keytab it created)."""
        return grants.secret_write(self.keytab_secret_arn, sid="onprem keytab write")
