"""The lake pipeline can run where the runbooks submit it: the permissions each engine principal needs are derived
from what the runbooks submit and what the job does, and the recorded plan must grant them (IAM and Lake Formation).

Derivation, not a copy of the grants:

- who runs the job: ``fill_lake.execution_role_arn(outputs)`` (the runtime role when the burst cluster is governed,
  else the step runs as the cluster's instance role) and ``submit_job.start_job_run_request(...)["executionRoleArn"]``
  (the EMR on EKS job role), over the stack outputs the plan records;
- what the job reads: the entry point of the step / the ``StartJobRun`` request (an ``s3://`` object);
- what it writes: ``jobs/tpcds_to_iceberg.parse_args`` over the arguments the runbooks pass gives the database and
  tables; Iceberg's Glue catalog places a table at ``<database location>/<table>``
  (``GlueCatalog.defaultWarehouseLocation``: the database's ``LocationUri`` wins over the warehouse), so the writes
  go under the Glue database's location as the plan creates it, encrypted with that bucket's key;
- Lake Formation: a Glue ``CreateTable`` in a database Lake Formation governs needs ``CREATE_TABLE`` on the database
  and ``DATA_LOCATION_ACCESS`` on a registered location containing the table's
  (https://docs.aws.amazon.com/lake-formation/latest/dg/access-control-underlying-data.html).

A future gap (a renamed database, a moved entry point, a role that loses a statement or a grant) fails here.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from parliament import analyze_policy_string

from jobs import tpcds_to_iceberg as job
from scripts.offline.recorder import Plan, RecordedResource
from scripts.ops import fill_lake, submit_job
from tests import plan_cache

STACKS = ("dev", "staging", "prod")
ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/rolePolicy:RolePolicy"
PERMISSIONS = "aws:lakeformation/permissions:Permissions"


@dataclass(frozen=True)
class Run:
    engine: str
    role: RecordedResource
    entry_point: str
    arguments: list[str]


def _role_by_arn(plan: Plan, arn: str) -> RecordedResource:
    return next(r for r in plan.of_type(ROLE) if r.outputs["arn"] == arn)


def _role_by_name(plan: Plan, name: str) -> RecordedResource:
    return next(r for r in plan.of_type(ROLE) if r.outputs["name"] == name)


def pipeline_runs(plan: Plan) -> list[Run]:
    """The job as the two runbooks submit it, with the role it runs as."""
    out = plan.outputs
    args = fill_lake.job_arguments(
        source_root=fill_lake.default_source_root(out), catalog=str(out["burst_spark_iceberg_catalog"]),
        database="tpcds", tables=list(job.TPCDS_TABLES),
    )
    step = fill_lake.spark_step(str(out["lake_pipeline_entry_point"]), args)
    submit = step["HadoopJarStep"]["Args"]
    role_arn = fill_lake.execution_role_arn(out)
    role = _role_by_arn(plan, role_arn) if role_arn else _role_by_name(plan, str(out["burst_instance_role_name"]))
    runs = [Run("EMR step (fill_lake)", role, submit[submit.index("cluster") + 1], args)]
    if "emr_virtual_cluster_id" in out:
        request = submit_job.start_job_run_request(out, arguments=args, catalog="iceberg", name="t", client_token="t")
        driver = request["jobDriver"]["sparkSubmitJobDriver"]
        runs.append(Run("EMR on EKS (submit_job)", _role_by_arn(plan, request["executionRoleArn"]),
                        driver["entryPoint"], driver["entryPointArguments"]))
    return runs


# --- a small IAM evaluator: Allow statements, exact actions, ARN wildcards, the s3:prefix condition -------------
def _statements(plan: Plan, role: RecordedResource) -> Iterator[dict[str, Any]]:
    for p in plan.of_type(POLICY):
        if p.inputs["role"] in (role.outputs["name"], role.id):
            yield from json.loads(p.inputs["policy"])["Statement"]


def allowed(plan: Plan, role: RecordedResource, action: str, resource: str, context: dict[str, str] | None = None
            ) -> bool:
    for s in _statements(plan, role):
        actions = [s["Action"]] if isinstance(s["Action"], str) else s["Action"]
        resources = [s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"]
        if s["Effect"] != "Allow" or not any(fnmatch.fnmatchcase(action, a) for a in actions):
            continue
        if not any(fnmatch.fnmatchcase(resource, r) for r in resources):
            continue
        cond = s.get("Condition", {})
        like = cond.get("StringLike", {})
        if any(not any(fnmatch.fnmatchcase((context or {}).get(k, ""), v) for v in vals) for k, vals in like.items()):
            continue
        assert set(cond) <= {"StringLike"}, f"evaluator does not know the condition {cond}"
        return True
    return False


def _s3_arn(uri: str) -> str:
    assert uri.startswith("s3://"), uri
    return "arn:aws:s3:::" + uri[5:]


def _bucket_key(plan: Plan, bucket: str) -> str:
    sse = next(r for r in plan.of_type(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
        if r.inputs["bucket"] == bucket)
    return str(sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"])


def _database(plan: Plan, name: str) -> RecordedResource:
    return next(r for r in plan.of_type("aws:glue/catalogDatabase:CatalogDatabase") if r.inputs["name"] == name)


def _lf(plan: Plan, principal: str) -> list[dict[str, Any]]:
    return [p.inputs for p in plan.of_type(PERMISSIONS) if p.inputs["principal"] == principal]


def _runs() -> list[tuple[str, int]]:
    return [(s, i) for s in STACKS for i in range(2)]


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {s: plan_cache.recorded(s) for s in STACKS}


@pytest.mark.parametrize(("stack", "i"), _runs())
def test_each_pipeline_principal_has_the_iam_the_job_needs(plans: dict[str, Plan], stack: str, i: int) -> None:
    plan = plans[stack]
    runs = pipeline_runs(plan)
    if i >= len(runs):
        pytest.skip(f"{stack} has no EMR on EKS")
    run = runs[i]
    args = job.parse_args(run.arguments)
    db = _database(plan, args.database)
    location = str(db.inputs["locationUri"]).rstrip("/")
    bucket = location[5:].split("/", 1)[0]
    prefix = location[5:].split("/", 1)[1] + "/"
    role, where = run.role, f"{stack}: {run.engine} as {run.role.name}"
    # the job file, and the key it was uploaded with
    job_object = plan.one("aws:s3/bucketObjectv2:BucketObjectv2", "lake-pipeline-job")
    assert run.entry_point == f"s3://{job_object.inputs['bucket']}/{job_object.inputs['key']}"
    assert allowed(plan, role, "s3:GetObject", _s3_arn(run.entry_point)), where
    assert allowed(plan, role, "kms:Decrypt", job_object.inputs["kmsKeyId"]), where
    # every table's files, under <database location>/<table>/
    for table in args.tables:
        data = f"arn:aws:s3:::{location[5:]}/{table}/data/00000-0.parquet"
        for action in ("s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload"):
            assert allowed(plan, role, action, data), (where, action, data)
    assert allowed(plan, role, "s3:ListBucket", f"arn:aws:s3:::{bucket}", {"s3:prefix": f"{prefix}store_sales/"})
    data_key = _bucket_key(plan, bucket)
    assert allowed(plan, role, "kms:GenerateDataKey", data_key), where
    assert allowed(plan, role, "kms:Decrypt", data_key), where
    # the Glue calls of Iceberg's GlueCatalog (create, commit, load), and the catalog key they encrypt with
    region_account = "arn:aws:glue:us-east-1:123456789012"
    for action in ("glue:GetDatabase", "glue:CreateTable", "glue:UpdateTable", "glue:GetTable"):
        for resource in (f"{region_account}:catalog", f"{region_account}:database/{args.database}",
                         f"{region_account}:table/{args.database}/store_sales"):
            assert allowed(plan, role, action, resource), (where, action, resource)
    catalog_key = plan.one("aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings").inputs[
        "dataCatalogEncryptionSettings"]["encryptionAtRest"]["sseAwsKmsKeyId"]
    assert allowed(plan, role, "kms:GenerateDataKey", catalog_key), where
    # nothing outside the database's location
    assert not allowed(plan, role, "s3:PutObject", f"arn:aws:s3:::{bucket}/other/x"), where


@pytest.mark.parametrize(("stack", "i"), _runs())
def test_each_pipeline_principal_has_the_lake_formation_grants_to_create_its_tables(
    plans: dict[str, Plan], stack: str, i: int
) -> None:
    plan = plans[stack]
    runs = pipeline_runs(plan)
    if i >= len(runs):
        pytest.skip(f"{stack} has no EMR on EKS")
    run = runs[i]
    args = job.parse_args(run.arguments)
    location = str(_database(plan, args.database).inputs["locationUri"]).rstrip("/")
    grants = _lf(plan, run.role.outputs["arn"])
    where = f"{stack}: {run.engine} as {run.role.name}"
    on_db = [g for g in grants if g.get("database", {}).get("name") == args.database]
    assert any("CREATE_TABLE" in g["permissions"] for g in on_db), where
    table_location = _s3_arn(f"{location}/store_sales")
    locations = [g["dataLocation"]["arn"] for g in grants if "dataLocation" in g]
    assert any(table_location == loc or table_location.startswith(loc.rstrip("/") + "/") for loc in locations), (
        where, locations)
    # the granted location is registered with Lake Formation (a grant on an unregistered path fails at deploy)
    registered = [r.inputs["arn"] for r in plan.of_type("aws:lakeformation/resource:Resource")]
    assert all(any(loc == r or loc.startswith(r + "/") for r in registered) for loc in locations), where


@pytest.mark.parametrize("stack", STACKS)
def test_trino_on_the_burst_cluster_sees_and_reads_the_pipeline_tables(plans: dict[str, Plan], stack: str) -> None:
    """Trino's Glue catalogs run as the instance role (EMR's Lake Formation integration covers Spark only): it needs
    Lake Formation DESCRIBE/SELECT on the tables (else Glue lists none), the Glue reads and the files' S3 reads."""
    plan = plans[stack]
    cluster = next(r for r in plan.of_type("aws:emr/cluster:Cluster") if r.name == "burst-cluster")
    classes = {c["Classification"] for c in json.loads(cluster.inputs["configurationsJson"])}
    assert {"trino-connector-hive", "trino-connector-iceberg"} <= classes
    role = _role_by_name(plan, str(plan.outputs["burst_instance_role_name"]))
    grants = _lf(plan, role.outputs["arn"])
    db_tags = {t["key"]: t["value"] for r in plan.of_type("aws:lakeformation/resourceLfTags:ResourceLfTags")
               if r.inputs.get("database", {}).get("name") == "tpcds" for t in r.inputs["lfTags"]}
    tag_reads = [g for g in grants if "lfTagPolicy" in g and {"SELECT", "DESCRIBE"} <= set(g["permissions"])
                 and all(db_tags.get(e["key"]) in e["values"] for e in g["lfTagPolicy"]["expressions"])]
    assert tag_reads, f"{stack}: no SELECT/DESCRIBE on the tpcds tables for the instance role"
    assert any(g.get("database", {}).get("name") == "tpcds" and "DESCRIBE" in g["permissions"] for g in grants)
    # no grant on the demo database: its curated files are not readable by Trino's role anyway
    assert not [g for g in grants if "demo" in json.dumps(g)]
    location = str(_database(plan, "tpcds").inputs["locationUri"])
    assert allowed(plan, role, "glue:GetTables", "arn:aws:glue:us-east-1:123456789012:database/tpcds")
    assert allowed(plan, role, "s3:GetObject", _s3_arn(location) + "store_sales/data/00000-0.parquet")


@pytest.mark.parametrize("stack", ["staging", "dev"])
def test_pipeline_principals_policies_are_parliament_clean(plans: dict[str, Plan], stack: str) -> None:
    plan = plans[stack]
    names = {run.role.outputs["name"] for run in pipeline_runs(plan)} | {plan.outputs["burst_instance_role_name"]}
    policies = [p for p in plan.of_type(POLICY) if p.inputs["role"] in names]
    assert len(policies) >= len(names)
    for p in policies:
        assert analyze_policy_string(p.inputs["policy"]).findings == [], p.name
