"""Security configuration content and the generated (dev/staging) or brought (prod) certificates."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import Callable

import pulumi
import pytest
from cryptography import x509

from components.emr.security_configuration import (
    EmrSecurityConfiguration,
    EmrSecurityConfigurationArgs,
    new_private_key,
    private_dns_suffix,
    private_keys_from,
    security_configuration_document,
    self_signed_pem_zip,
)
from scripts.offline.recorder import Plan, read_stack_config
from tests.conftest import in_region

from ._stack_plans import recorded

SC = "aws:emr/securityConfiguration:SecurityConfiguration"
OBJ = "aws:s3/bucketObjectv2:BucketObjectv2"
KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


def test_document_encrypts_at_rest_and_in_transit_and_requires_imdsv2() -> None:
    doc = security_configuration_document(
        s3_kms_key_arn=KEY, local_disk_kms_key_arn=KEY, certificate_zip_s3_uri="s3://b/c.zip", lake_formation=False
    )
    enc = doc["EncryptionConfiguration"]
    assert enc["EnableAtRestEncryption"]
    assert enc["EnableInTransitEncryption"]
    rest = enc["AtRestEncryptionConfiguration"]
    assert rest["S3EncryptionConfiguration"] == {"EncryptionMode": "SSE-KMS", "AwsKmsKey": KEY}
    assert rest["LocalDiskEncryptionConfiguration"]["EnableEbsEncryption"] is True
    assert rest["LocalDiskEncryptionConfiguration"]["EncryptionKeyProviderType"] == "AwsKms"
    tls = enc["InTransitEncryptionConfiguration"]["TLSCertificateConfiguration"]
    assert tls == {"CertificateProviderType": "PEM", "S3Object": "s3://b/c.zip"}
    assert doc["InstanceMetadataServiceConfiguration"]["MinimumInstanceMetadataServiceVersion"] == 2
    assert "AuthorizationConfiguration" not in doc


def test_lake_formation_fields() -> None:
    doc = security_configuration_document(
        s3_kms_key_arn=KEY, local_disk_kms_key_arn=KEY, certificate_zip_s3_uri="s3://b/c.zip", lake_formation=True
    )
    auth = doc["AuthorizationConfiguration"]
    assert auth["LakeFormationConfiguration"]["AuthorizedSessionTagValue"] == "Amazon EMR"
    assert auth["IAMConfiguration"]["EnableApplicationScopedIAMRole"] is True


@pytest.mark.parametrize(
    ("region", "suffix"), [("us-east-1", "ec2.internal"), ("us-west-1", "us-west-1.compute.internal")]
)
def test_generated_zip_has_the_three_pem_files_for_the_region(region: str, suffix: str) -> None:
    assert private_dns_suffix(region) == suffix
    with zipfile.ZipFile(io.BytesIO(self_signed_pem_zip(suffix, validity_days=30))) as zf:
        assert sorted(zf.namelist()) == ["certificateChain.pem", "privateKey.pem", "trustedCertificates.pem"]
        cert = x509.load_pem_x509_certificate(zf.read("certificateChain.pem"))
        assert b"PRIVATE KEY" in zf.read("privateKey.pem")
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    assert f"*.{suffix}" in sans


def _private_key_pem(zipped: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(zipped)) as zf:
        return zf.read("privateKey.pem")


def test_every_generated_certificate_has_its_own_key_unless_a_key_source_is_given() -> None:
    first = _private_key_pem(self_signed_pem_zip("ec2.internal", validity_days=30))
    second = _private_key_pem(self_signed_pem_zip("ec2.internal", validity_days=30))
    assert first != second, "a real run generates a key per certificate"
    key = new_private_key()
    with private_keys_from(lambda: key):
        shared = {_private_key_pem(self_signed_pem_zip(s, validity_days=30)) for s in ("a.internal", "b.internal")}
    assert len(shared) == 1, "inside private_keys_from both certificates use the given key"
    assert _private_key_pem(self_signed_pem_zip("ec2.internal", validity_days=30)) not in shared | {first, second}


def test_generated_certificate_is_a_secret_written_once(run_program: Callable[..., Plan]) -> None:
    def program() -> None:
        EmrSecurityConfiguration(
            "t",
            EmrSecurityConfigurationArgs(
                region="us-west-1",
                s3_kms_key_arn=KEY,
                local_disk_kms_key_arn=KEY,
                certificate_bucket_name="artifacts-bucket",
                certificate_kms_key_arn=KEY,
            ),
            opts=in_region("onprem", "us-west-1"),
        )

    plan = run_program(program)
    obj = plan.one(OBJ)
    assert "contentBase64" in obj.secret_paths
    assert obj.options["ignoreChanges"] == ["contentBase64"]
    assert obj.inputs["serverSideEncryption"] == "aws:kms"
    assert obj.inputs["kmsKeyId"] == KEY
    assert obj.region == "us-west-1"
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(obj.inputs["contentBase64"]))) as zf:
        assert "privateKey.pem" in zf.namelist()
    doc = json.loads(plan.one(SC).inputs["configuration"])
    uri = doc["EncryptionConfiguration"]["InTransitEncryptionConfiguration"]["TLSCertificateConfiguration"]["S3Object"]
    assert uri == f"s3://artifacts-bucket/{obj.inputs['key']}"


def test_brought_certificate_creates_no_object(run_program: Callable[..., Plan]) -> None:
    def program() -> None:
        sec = EmrSecurityConfiguration(
            "t",
            EmrSecurityConfigurationArgs(
                region="us-east-1",
                s3_kms_key_arn=KEY,
                local_disk_kms_key_arn=KEY,
                certificate_zip_s3_uri="s3://c/x.zip",
            ),
            opts=in_region(),
        )
        pulumi.export("key", sec.certificate_key)

    plan = run_program(program)
    assert plan.of_type(OBJ) == []
    assert plan.outputs["key"] == "x.zip"


def test_needs_a_certificate_source(run_program: Callable[..., Plan]) -> None:
    def program() -> None:
        EmrSecurityConfiguration(
            "t",
            EmrSecurityConfigurationArgs(region="us-east-1", s3_kms_key_arn=KEY, local_disk_kms_key_arn=KEY),
            opts=in_region(),
        )

    with pytest.raises(ValueError, match="certificate"):
        run_program(program)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_security_configurations(stack: str) -> None:
    plan = recorded(stack)
    configs = plan.of_type(SC)
    assert {c.region for c in configs} == {"us-west-1", "us-east-1"}, "one per cluster region"
    for c in configs:
        tls = json.loads(c.inputs["configuration"])["EncryptionConfiguration"]["InTransitEncryptionConfiguration"]
        uri = tls["TLSCertificateConfiguration"]["S3Object"]
        if stack == "prod":
            tls_cfg = read_stack_config("prod")["hybrid-burst:emr"]["settings"]["tls"]
            configured = {tls_cfg["onpremCertificateZipS3Uri"], tls_cfg["burstCertificateZipS3Uri"]}
            assert uri in configured, "prod uses the certificates its stack file names"
        else:
            assert "/emr/tls/" in uri
    generated = [o for o in plan.of_type(OBJ) if "/tls/" in o.inputs.get("key", "")]
    assert len(generated) == (0 if stack == "prod" else 2)
