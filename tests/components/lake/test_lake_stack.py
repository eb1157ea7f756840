"""The lake as wired in ``__main__.py``: invariants over the recorded dev stack (and a protected variant)."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
from parliament import analyze_policy_string

from components.config import load_stack_config
from components.lake.storage_zones import ACCESS_LOGS
from scripts.offline.recorder import Plan, RecordedResource, read_stack_config, record
from tests import plan_cache

BUCKET = "aws:s3/bucket:Bucket"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
LOGGING = "aws:s3/bucketLogging:BucketLogging"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
PERMISSIONS = "aws:lakeformation/permissions:Permissions"


@pytest.fixture(scope="module")
def dev() -> Plan:
    return plan_cache.recorded("dev")


def _by_bucket(plan: Plan, type_: str) -> dict[str, RecordedResource]:
    return {str(r.inputs["bucket"]): r for r in plan.of_type(type_)}


def _zone(bucket: RecordedResource) -> str:
    return bucket.name.split("-zones-", 1)[1]


def _lake_buckets(plan: Plan) -> list[RecordedResource]:
    return [b for b in plan.of_type(BUCKET) if "-zones-" in b.name]


def test_zones_exist_per_region_as_specified(dev: Plan) -> None:
    by_region: dict[str, set[str]] = {}
    for b in _lake_buckets(dev):
        by_region.setdefault(str(b.region), set()).add(_zone(b))
    assert by_region == {
        "us-west-1": {"logs", "artifacts", ACCESS_LOGS},
        "us-east-1": {"raw", "curated", "logs", "exchange", "results", "artifacts", ACCESS_LOGS},
    }


def test_every_bucket_is_encrypted_blocked_tls_only_owned_versioned_and_logged(dev: Plan) -> None:
    sse, pab, pol = _by_bucket(dev, SSE), _by_bucket(dev, PAB), _by_bucket(dev, POLICY)
    logging, own, ver = _by_bucket(dev, LOGGING), _by_bucket(dev, OWNERSHIP), _by_bucket(dev, VERSIONING)
    life = _by_bucket(dev, LIFECYCLE)
    keys = {k.name: k for k in dev.of_type("aws:kms/key:Key")}
    for b in _lake_buckets(dev):
        name = str(b.outputs["bucket"])
        rule = sse[name].inputs["rules"][0]
        default = rule["applyServerSideEncryptionByDefault"]
        side = b.name.split("-", 1)[0]
        if _zone(b) == ACCESS_LOGS:
            # ADR 0003: log delivery needs SSE-S3 on the target; the pack recognises the target by its
            # BucketLogging, so the bucket needs no tag (service-required tags only).
            assert default["sseAlgorithm"] == "AES256"
            assert not b.inputs.get("tags")
            assert any(lg.inputs["targetBucket"] == b.outputs["bucket"] for lg in dev.of_type(LOGGING)), (
                "the access-logs bucket is a BucketLogging target"
            )
            assert name not in logging, "the access-logs bucket does not log to itself"
        else:
            assert default["sseAlgorithm"] == "aws:kms"
            assert default["kmsMasterKeyId"] == keys[f"{side}-data-key"].outputs["arn"]
            assert rule["bucketKeyEnabled"] is True
            target = logging[name].inputs["targetBucket"]
            assert target.startswith(f"hb-dev-{side}-zones-access-logs-")
            assert logging[name].region == b.region
        assert all(pab[name].inputs[k] is True for k in
                   ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
        assert own[name].inputs["rule"]["objectOwnership"] == "BucketOwnerEnforced"
        assert ver[name].inputs["versioningConfiguration"]["status"] == "Enabled"
        assert life[name].inputs["rules"][0]["abortIncompleteMultipartUpload"]["daysAfterInitiation"] >= 1
        doc = json.loads(pol[name].inputs["policy"])
        tls = [s for s in doc["Statement"] if s["Effect"] == "Deny"]
        assert tls
        assert tls[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert set(tls[0]["Resource"]) == {b.outputs["arn"], f"{b.outputs['arn']}/*"}
        assert pab[name].urn in pol[name].dependencies
        for stmt in doc["Statement"]:
            if stmt["Effect"] == "Allow":
                assert stmt["Principal"] == {"Service": "logging.s3.amazonaws.com"}
                assert stmt["Condition"]["StringEquals"]["aws:SourceAccount"] == "123456789012"


def test_lifecycle_expires_scratch_and_transitions_raw(dev: Plan) -> None:
    cfg = load_stack_config(read_stack_config("dev"), stack="dev").lake.lifecycle
    rules = {_zone(b): _by_bucket(dev, LIFECYCLE)[str(b.outputs["bucket"])].inputs["rules"][0]
             for b in _lake_buckets(dev) if b.region == "us-east-1"}
    assert rules["exchange"]["expiration"]["days"] == cfg.exchange_expiration_days
    assert rules["exchange"]["noncurrentVersionExpiration"]["noncurrentDays"] == 1
    assert rules["raw"]["transitions"] == [
        {"days": cfg.raw_transition_days, "storageClass": cfg.raw_transition_storage_class}
    ]
    assert "expiration" not in rules["raw"]
    assert "expiration" not in rules["curated"]


def test_catalog_metadata_and_connection_passwords_are_kms_encrypted(dev: Plan) -> None:
    settings = dev.one("aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings")
    catalog_key = dev.one("aws:kms/key:Key", "catalog-key")
    enc = settings.inputs["dataCatalogEncryptionSettings"]
    assert enc["encryptionAtRest"] == {"catalogEncryptionMode": "SSE-KMS",
                                       "sseAwsKmsKeyId": catalog_key.outputs["arn"]}
    assert enc["connectionPasswordEncryption"]["returnConnectionPasswordEncrypted"] is True
    assert enc["connectionPasswordEncryption"]["awsKmsKeyId"] == catalog_key.outputs["arn"]
    for db in dev.of_type("aws:glue/catalogDatabase:CatalogDatabase"):
        assert settings.urn in db.dependencies
    glue_sec = dev.one("aws:glue/securityConfiguration:SecurityConfiguration")
    modes = glue_sec.inputs["encryptionConfiguration"]
    assert modes["s3Encryption"]["s3EncryptionMode"] == "SSE-KMS"
    assert modes["cloudwatchEncryption"]["cloudwatchEncryptionMode"] == "SSE-KMS"
    assert modes["jobBookmarksEncryption"]["jobBookmarksEncryptionMode"] == "CSE-KMS"


def test_databases_and_iceberg_table_live_in_their_zones(dev: Plan) -> None:
    buckets = {_zone(b): b.outputs["bucket"] for b in _lake_buckets(dev) if b.region == "us-east-1"}
    dbs = {r.inputs["name"]: r for r in dev.of_type("aws:glue/catalogDatabase:CatalogDatabase")}
    assert set(dbs) >= {"tpcds", "demo"}
    assert dbs["tpcds"].inputs["locationUri"] == f"s3://{buckets['raw']}/tpcds/"
    table = dev.one("aws:glue/catalogTable:CatalogTable")
    iceberg = table.inputs["openTableFormatInput"]["icebergInput"]
    assert iceberg["metadataOperation"] == "CREATE"
    assert iceberg["version"] == "2"
    assert iceberg["icebergTableInput"]["location"] == f"s3://{buckets['curated']}/demo/customers/"
    fields = iceberg["icebergTableInput"]["schema"]["fields"]
    assert [f["id"] for f in fields] == list(range(1, len(fields) + 1))
    assert all(json.loads(f["type"]) for f in fields), "field types are JSON strings"


def test_lake_formation_defaults_cleared_and_emr_integration_on(dev: Plan) -> None:
    settings = dev.one("aws:lakeformation/dataLakeSettings:DataLakeSettings")
    assert settings.inputs["createDatabaseDefaultPermissions"] == []
    assert settings.inputs["createTableDefaultPermissions"] == []
    # Explicit admins from the stack file (accountBaseline.lakeFormationAdmins), never the identity running Pulumi.
    assert settings.inputs["admins"] == [
        "arn:aws:iam::111111111111:role/hybrid-burst-deployer",
        "arn:aws:iam::111111111111:role/lake-admin",
    ]
    assert settings.inputs["authorizedSessionTagValueLists"] == ["Amazon EMR"]
    assert settings.inputs["allowExternalDataFiltering"] is True
    for perm in dev.of_type(PERMISSIONS):
        assert settings.urn in perm.dependencies, f"{perm.name} must wait for the admins to be set"


def test_data_zones_are_registered_with_a_role_scoped_to_them(dev: Plan) -> None:
    buckets = {_zone(b): b.outputs["arn"] for b in _lake_buckets(dev) if b.region == "us-east-1"}
    regs = {r.inputs["arn"] for r in dev.of_type("aws:lakeformation/resource:Resource")}
    assert regs == {buckets["raw"], buckets["curated"]}
    role_policy = dev.one("aws:iam/rolePolicy:RolePolicy", "lake-registration-access")
    resources: set[str] = set()
    for stmt in json.loads(role_policy.inputs["policy"])["Statement"]:
        res = stmt["Resource"]
        resources.update([res] if isinstance(res, str) else res)
    s3 = {r for r in resources if r.startswith("arn:aws:s3")}
    assert s3 == {buckets["raw"], f"{buckets['raw']}/*", buckets["curated"], f"{buckets['curated']}/*"}


def test_lf_tags_assigned_to_database_and_pii_columns(dev: Plan) -> None:
    tags = {r.inputs["key"]: r.inputs["values"] for r in dev.of_type("aws:lakeformation/lfTag:LfTag")}
    assert tags == {"domain": ["benchmark", "demo"], "sensitivity": ["public", "internal", "pii"]}
    assigned = dev.of_type("aws:lakeformation/resourceLfTags:ResourceLfTags")
    columns = [r for r in assigned if "tableWithColumns" in r.inputs]
    assert len(columns) == 1
    assert sorted(columns[0].inputs["tableWithColumns"]["columnNames"]) == ["email", "full_name"]
    assert columns[0].inputs["lfTags"] == [{"key": "sensitivity", "value": "pii"}]
    db_tags = {r.inputs["database"]["name"]: r.inputs["lfTags"] for r in assigned if "database" in r.inputs}
    assert {"key": "domain", "value": "benchmark"} in db_tags["tpcds"]


def test_grants_are_scoped_as_configured(dev: Plan) -> None:
    roles = {r.name: r.outputs["arn"] for r in dev.of_type("aws:iam/role:Role")}
    analysts, runtime = roles["lake-analysts"], roles["lake-emr-runtime"]
    perms = dev.of_type(PERMISSIONS)
    analyst_tables = [p for p in perms if p.inputs["principal"] == analysts and "tableWithColumns" in p.inputs]
    assert len(analyst_tables) == 1
    twc = analyst_tables[0].inputs["tableWithColumns"]
    assert twc["excludedColumnNames"] == ["full_name", "email"]
    assert twc["wildcard"] is True
    assert analyst_tables[0].inputs["permissions"] == ["SELECT"]
    instance = next(r.outputs["arn"] for r in dev.of_type("aws:iam/role:Role") if r.name == "burst-roles-instance")
    tag_grants = [p for p in perms if "lfTagPolicy" in p.inputs]
    assert {p.inputs["principal"] for p in tag_grants} == {analysts, runtime, instance}
    locations = [p for p in perms if "dataLocation" in p.inputs]
    # dev's burst cluster runs Spark steps as its instance role (Lake Formation integration off): it creates the
    # pipeline's tables under raw/tpcds/ only.
    assert {p.inputs["principal"] for p in locations} == {runtime, instance}
    (instance_location,) = [p for p in locations if p.inputs["principal"] == instance]
    raw = next(r.outputs["arn"] for r in dev.of_type("aws:s3/bucket:Bucket") if r.name == "compute-zones-raw")
    assert instance_location.inputs["dataLocation"]["arn"] == f"{raw}/tpcds"
    assert all(p.inputs["permissions"] == ["DATA_LOCATION_ACCESS"] for p in locations)
    # No grant to IAM_ALLOWED_PRINCIPALS or to a wildcard principal.
    assert all(str(p.inputs["principal"]).startswith("arn:aws:iam::") for p in perms)


def test_emr_runtime_role_trusts_only_emr_instance_roles_with_the_lake_formation_session_tag(dev: Plan) -> None:
    role = dev.one("aws:iam/role:Role", "lake-emr-runtime")
    stmts = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    for stmt in stmts:
        assert stmt["Condition"]["ArnLike"]["aws:PrincipalArn"] == (
            "arn:aws:iam::123456789012:role/hybrid-burst/dev/emr-instance/*"
        )
    tag = next(s for s in stmts if s["Action"] == "sts:TagSession")
    assert tag["Condition"]["StringEquals"] == {"aws:RequestTag/LakeFormationAuthorizedCaller": "Amazon EMR"}
    assert dev.outputs["emr_runtime_role_arn"] == role.outputs["arn"]


def _documents(plan: Plan) -> list[tuple[str, str, dict[str, Any]]]:
    lake = [r for r in plan.resources
            if "hybrid-burst:lake:" in r.urn or r.name.endswith(("-data-key", "catalog-key"))]
    return [
        (f"{r.name}.{prop}", r.type, json.loads(r.inputs[prop]))
        for r in lake
        for prop in ("policy", "assumeRolePolicy")
        if isinstance(r.inputs.get(prop), str)
    ]


def test_generated_policies_have_no_wildcard_principal_or_action_in_allows(dev: Plan) -> None:
    docs = _documents(dev)
    assert len(docs) >= 10
    for where, type_, doc in docs:
        for stmt in doc["Statement"]:
            actions = stmt["Action"] if isinstance(stmt["Action"], list) else [stmt["Action"]]
            if stmt["Effect"] == "Deny":
                continue  # the TLS-only deny: a wildcard there only removes access
            if type_ == "aws:kms/key:Key" and stmt["Sid"] == "AccountRootAdministers":
                assert stmt["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
                continue  # the one kms:* statement AWS requires (key stays manageable through IAM)
            assert not any(a == "*" or a.endswith(":*") for a in actions), f"{where}: {actions}"
            assert stmt.get("Principal", {}) != "*", where
            assert "*" not in json.dumps(stmt.get("Principal", {})), where


# Parliament lints identity policies. Findings that are not defects, with their justification:
# - MALFORMED "neither Resource nor NotResource" on trust policies: trust policies have no Resource element.
# - RESOURCE_STAR on key policies: in a key policy "Resource": "*" means "this key"
#   (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html).
JUSTIFIED = {
    ("assumeRolePolicy", "MALFORMED"),
    ("key", "RESOURCE_STAR"),
}


def test_parliament_finds_nothing_unjustified(dev: Plan) -> None:
    for where, type_, doc in _documents(dev):
        kind = "key" if type_ == "aws:kms/key:Key" else where.rsplit(".", 1)[1]
        findings = analyze_policy_string(json.dumps(doc), include_community_auditors=False).findings
        unjustified = [(f.issue, f.detail) for f in findings if (kind, f.issue) not in JUSTIFIED]
        assert unjustified == [], where


def test_identity_policies_are_parliament_clean_without_exceptions(dev: Plan) -> None:
    for r in dev.of_type("aws:iam/rolePolicy:RolePolicy"):
        if r.name.startswith("lake-"):
            assert analyze_policy_string(r.inputs["policy"]).findings == [], r.name


def test_protected_stack_protects_and_retains_keys_and_data_buckets() -> None:
    pulumi.runtime.settings.ROOT.set(None)
    raw = read_stack_config("dev") | {"hybrid-burst:protect": True, "hybrid-burst:lake": {"forceDestroy": False}}
    plan = record(stack="dev", config=raw)
    for key in plan.of_type("aws:kms/key:Key"):
        assert key.options["protect"], key.name
        assert key.options["retainOnDelete"], key.name
        assert key.inputs["enableKeyRotation"] is True
    for b in _lake_buckets(plan):
        assert b.inputs["forceDestroy"] is False
        if _zone(b) != "exchange":
            assert b.options["protect"], b.name
            assert b.options["retainOnDelete"], b.name
    for db in plan.of_type("aws:glue/catalogDatabase:CatalogDatabase"):
        assert db.options["protect"]


def test_force_destroy_with_protect_is_refused() -> None:
    pulumi.runtime.settings.ROOT.set(None)
    raw = read_stack_config("dev") | {"hybrid-burst:protect": True}
    # The config model refuses it first (StorageZones keeps its own check as a second line of defence).
    with pytest.raises(pulumi.RunError, match=r"hybrid-burst:lake\.forceDestroy") as caught:
        record(stack="dev", config=raw)
    assert caught.value.plan.resources == []  # type: ignore[attr-defined]
