"""EmrSecurityConfiguration: at-rest and in-transit encryption, IMDSv2 and Lake Formation fields for a cluster.

The document follows the EMR security-configuration JSON
(https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-create-security-configuration.html):
- at rest: S3 with SSE-KMS (EMRFS), local disks with a KMS key, EBS encryption on;
- in transit: TLS with a PEM certificate zip in S3 (privateKey.pem, certificateChain.pem,
  trustedCertificates.pem; https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-encryption-enable.html);
  generated at plan time for dev/staging (ADR 0004) or brought by the user (prod);
- ``InstanceMetadataServiceConfiguration``: IMDSv2 only, hop limit 1;
- optionally ``AuthenticationConfiguration.KerberosConfiguration`` (a cluster-dedicated KDC, with or without a
  cross-realm trust, or an external KDC; ``kerberos.py`` builds the block and cites the EMR pages);
- optionally ``AuthorizationConfiguration`` for Lake Formation with runtime roles (session tag ``Amazon EMR``,
  application-scoped IAM roles; https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-steps-runtime-roles.html).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

CERT_KEY_PREFIX = "emr/tls"
LAKE_FORMATION_SESSION_TAG = "Amazon EMR"


def private_dns_suffix(region: str) -> str:
    """The private DNS suffix of EC2 instances in a region (us-east-1 keeps the legacy ``ec2.internal``;
    https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html#vpc-dns-hostnames)."""
    return "ec2.internal" if region == "us-east-1" else f"{region}.compute.internal"


def new_private_key() -> Any:
    """A new RSA 2048 key, as in EMR's own openssl example (every Hadoop/Java component accepts it)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


_KEY_SOURCE: list[Callable[[], Any]] = [new_private_key]


@contextmanager
def private_keys_from(source: Callable[[], Any]) -> Iterator[None]:
    """Within the block, generated certificates take their key from ``source`` instead of a new key each.

    For the offline recorder only (``scripts/offline/recorder.py``): it records plans, never deploys them, and
    an RSA-2048 key generation is 0.02-0.11 s of CPU (docs/performance.md). A real run (``pulumi up``) always
    generates a new key per certificate.
    """
    _KEY_SOURCE.append(source)
    try:
        yield
    finally:
        _KEY_SOURCE.pop()


def self_signed_pem_zip(dns_suffix: str, *, validity_days: int, now: dt.datetime | None = None) -> bytes:
    """A zip with the three PEM files EMR expects, for a self-signed ``*.<dns_suffix>`` certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    now = now or dt.datetime.now(dt.UTC)
    key = _KEY_SOURCE[-1]()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"*.{dns_suffix}")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=validity_days))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(f"*.{dns_suffix}"), x509.DNSName(dns_suffix)]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in (
            ("privateKey.pem", key_pem),
            ("certificateChain.pem", cert_pem),
            ("trustedCertificates.pem", cert_pem),
        ):
            zf.writestr(zipfile.ZipInfo(member, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return buf.getvalue()


def security_configuration_document(
    *,
    s3_kms_key_arn: str,
    local_disk_kms_key_arn: str,
    certificate_zip_s3_uri: str,
    lake_formation: bool,
    kerberos: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The EMR security configuration JSON (plain values; the component feeds it resolved ARNs)."""
    doc: dict[str, Any] = {
        "EncryptionConfiguration": {
            "EnableAtRestEncryption": True,
            "EnableInTransitEncryption": True,
            "AtRestEncryptionConfiguration": {
                "S3EncryptionConfiguration": {"EncryptionMode": "SSE-KMS", "AwsKmsKey": s3_kms_key_arn},
                "LocalDiskEncryptionConfiguration": {
                    "EncryptionKeyProviderType": "AwsKms",
                    "AwsKmsKey": local_disk_kms_key_arn,
                    "EnableEbsEncryption": True,
                },
            },
            "InTransitEncryptionConfiguration": {
                "TLSCertificateConfiguration": {"CertificateProviderType": "PEM", "S3Object": certificate_zip_s3_uri}
            },
        },
        "InstanceMetadataServiceConfiguration": {
            "MinimumInstanceMetadataServiceVersion": 2,
            "HttpPutResponseHopLimit": 1,
        },
    }
    if kerberos is not None:
        doc["AuthenticationConfiguration"] = {"KerberosConfiguration": dict(kerberos)}
    if lake_formation:
        doc["AuthorizationConfiguration"] = {
            "IAMConfiguration": {
                "EnableApplicationScopedIAMRole": True,
                "ApplicationScopedIAMRoleConfiguration": {"PropagateSourceIdentity": True},
            },
            "LakeFormationConfiguration": {"AuthorizedSessionTagValue": LAKE_FORMATION_SESSION_TAG},
        }
    return doc


@dataclass(frozen=True, kw_only=True)
class EmrSecurityConfigurationArgs:
    region: str
    """Region of the provider in ``opts`` (for the private DNS suffix of generated certificates). Required."""
    s3_kms_key_arn: pulumi.Input[str]
    """KMS key for EMRFS SSE-KMS writes. Required."""
    local_disk_kms_key_arn: pulumi.Input[str]
    """KMS key for local disks (LUKS) and EBS volumes. Required."""
    certificate_zip_s3_uri: pulumi.Input[str] | None = None
    """Bring your own PEM zip (``s3://bucket/key.zip``). Default: none - a self-signed certificate is generated
    and uploaded to ``certificate_bucket_name`` (requires that bucket)."""
    certificate_bucket_name: pulumi.Input[str] | None = None
    """Bucket for a generated certificate zip (the region's artifacts bucket). Required when no zip is
    brought."""
    certificate_kms_key_arn: pulumi.Input[str] | None = None
    """SSE-KMS key of the generated zip's object. Default: the bucket's default encryption."""
    validity_days: int = 365
    """Validity of a generated certificate. Default: 365 days."""
    lake_formation: bool = False
    """Add the Lake Formation authorization block. Default: off."""
    kerberos: Mapping[str, Any] | None = None
    """The ``KerberosConfiguration`` block (``kerberos.dedicated_kdc``/``external_kdc``). Default: none (no
    Kerberos)."""


class EmrSecurityConfiguration(pulumi.ComponentResource):
    """One EMR security configuration (regional) and, for dev/staging, its generated certificate zip."""

    security_configuration_name: pulumi.Output[str]
    certificate_zip_s3_uri: pulumi.Output[str]
    certificate_bucket: pulumi.Output[str]
    certificate_key: pulumi.Output[str]

    def __init__(
        self, name: str, args: EmrSecurityConfigurationArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("hybrid-burst:emr:EmrSecurityConfiguration", name, None, opts)
        if args.certificate_zip_s3_uri is None:
            if args.certificate_bucket_name is None:
                raise ValueError(
                    "EmrSecurityConfigurationArgs: give certificate_zip_s3_uri (bring your own certificates) or "
                    "certificate_bucket_name (a self-signed certificate is generated there)"
                )
            key = f"{CERT_KEY_PREFIX}/{name}-certs.zip"
            zipped = self_signed_pem_zip(private_dns_suffix(args.region), validity_days=args.validity_days)
            obj = aws.s3.BucketObjectv2(
                f"{name}-certs",
                bucket=args.certificate_bucket_name,
                key=key,
                content_base64=pulumi.Output.secret(base64.b64encode(zipped).decode()),
                content_type="application/zip",
                server_side_encryption="aws:kms" if args.certificate_kms_key_arn is not None else None,
                kms_key_id=args.certificate_kms_key_arn,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    # Generated once: a new key pair on every run would rewrite the object on every `up`.
                    # Rotate with `pulumi up --replace <urn>` (ADR 0004).
                    ignore_changes=["contentBase64"],
                    additional_secret_outputs=["contentBase64"],
                ),
            )
            bucket: pulumi.Output[str] = obj.bucket
            object_key: pulumi.Output[str] = obj.key
            uri = pulumi.Output.concat("s3://", obj.bucket, "/", obj.key)
        else:
            uri = pulumi.Output.from_input(args.certificate_zip_s3_uri)
            parts = uri.apply(lambda u: u[5:].split("/", 1))
            bucket = parts.apply(lambda p: p[0])
            object_key = parts.apply(lambda p: p[1])

        document = pulumi.Output.all(args.s3_kms_key_arn, args.local_disk_kms_key_arn, uri).apply(
            lambda v: json.dumps(
                security_configuration_document(
                    s3_kms_key_arn=v[0],
                    local_disk_kms_key_arn=v[1],
                    certificate_zip_s3_uri=v[2],
                    lake_formation=args.lake_formation,
                    kerberos=args.kerberos,
                ),
                sort_keys=True,
            )
        )
        config = aws.emr.SecurityConfiguration(
            f"{name}-security",
            configuration=document,
            opts=pulumi.ResourceOptions(parent=self),
        )
        # The provider's id of a security configuration is its name.
        self.security_configuration_name = config.id
        self.certificate_zip_s3_uri = uri
        self.certificate_bucket = bucket
        self.certificate_key = object_key
        self.register_outputs(
            {
                "security_configuration_name": self.security_configuration_name,
                "certificate_zip_s3_uri": self.certificate_zip_s3_uri,
            }
        )
