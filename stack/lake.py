"""The lake in two steps: storage first (data keys, zones, the catalog key and the Glue catalog), governance once
every principal exists (the EMR on EKS job role is created before it, by ``stack/eks.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi

from components.config import StackConfig
from components.lake import principals
from components.lake.data_catalog import DataCatalog, DataCatalogArgs
from components.lake.lake_governance import LakeGovernance, LakeGovernanceArgs
from components.lake.lake_pipeline import LakePipeline, LakePipelineArgs
from components.lake.storage_zones import StorageZones, StorageZonesArgs, ZoneBucket
from components.security import grants
from components.security.kms_key import KmsKey, KmsKeyArgs

from .baseline import AccountBaselines, build_account_baseline
from .network import Network
from .sites import Site, Sites

REGISTERED_ZONES = ("raw", "curated")
"""Zones holding catalogued data: the Glue databases' locations, registered with Lake Formation."""


@dataclass(frozen=True)
class LakeStorage:
    data_keys: Mapping[str, KmsKey]
    """Side -> the key of its buckets and EMR encryption."""
    zones: Mapping[str, StorageZones]
    """Side -> its storage zones (``Site.lake_zones``)."""
    catalog_key: KmsKey
    baseline: AccountBaselines
    """The account's singletons, in the owning stack only (``accountBaseline.ownership: own``)."""
    catalog: DataCatalog
    pipeline: LakePipeline
    """The lake-filling Spark job in the compute artifacts bucket (EMR steps and EMR on EKS run it)."""

    def bucket(self, site: Site, zone: str) -> ZoneBucket:
        return self.zones[site.side].bucket(zone)

    def data_key_arn(self, site: Site) -> pulumi.Output[str]:
        return self.data_keys[site.side].key_arn


def build_storage(cfg: StackConfig, sites: Sites, account_id: pulumi.Input[str], network: Network) -> LakeStorage:
    life = cfg.lake.lifecycle
    data_keys: dict[str, KmsKey] = {}
    zones: dict[str, StorageZones] = {}
    for s in sites:
        data_keys[s.side] = KmsKey(
            f"{s.side}-data",
            KmsKeyArgs(account_id=account_id, region=s.region, purpose=f"{s.side}-data", protect=cfg.protect),
            opts=pulumi.ResourceOptions(provider=s.provider),
        )
        zones[s.side] = StorageZones(
            f"{s.side}-zones",
            StorageZonesArgs(
                account_id=account_id,
                kms_key_arn=data_keys[s.side].key_arn,
                zones=list(s.lake_zones),
                force_destroy=cfg.lake.force_destroy,
                protect=cfg.protect,
                exchange_expiration_days=life.exchange_expiration_days,
                results_expiration_days=life.results_expiration_days,
                raw_transition_days=life.raw_transition_days,
                raw_transition_storage_class=life.raw_transition_storage_class,
                logs_expiration_days=life.logs_expiration_days,
                access_logs_expiration_days=life.access_logs_expiration_days,
                noncurrent_version_expiration_days=life.noncurrent_version_expiration_days,
                abort_incomplete_multipart_days=life.abort_incomplete_multipart_days,
            ),
            opts=pulumi.ResourceOptions(provider=s.provider),
        )
    compute = sites.compute
    in_compute = pulumi.ResourceOptions(provider=compute.provider)
    catalog_key = KmsKey(
        "catalog",
        KmsKeyArgs(account_id=account_id, region=compute.region, purpose="catalog", protect=cfg.protect),
        opts=in_compute,
    )
    baseline = build_account_baseline(cfg, sites, account_id, catalog_kms_key_arn=catalog_key.key_arn)
    catalog = DataCatalog(
        "lake-catalog",
        DataCatalogArgs(
            region=compute.region,
            account_id=account_id,
            data_kms_key_arn=data_keys[compute.side].key_arn,
            logs_kms_key_arn=network.logs_key_arn(compute),
            databases=cfg.lake.databases,
            zone_uris={z: zones[compute.side].bucket(z).s3_uri() for z in REGISTERED_ZONES},
            protect=cfg.protect,
            wait_for=baseline.catalog_dependencies,
        ),
        opts=in_compute,
    )
    pipeline = LakePipeline(
        "lake-pipeline",
        LakePipelineArgs(
            artifacts_bucket_name=zones[compute.side].bucket("artifacts").bucket_name,
            artifacts_kms_key_arn=data_keys[compute.side].key_arn,
            raw_bucket=zones[compute.side].bucket("raw"),
        ),
        opts=in_compute,
    )
    return LakeStorage(
        data_keys=data_keys, zones=zones, catalog_key=catalog_key, baseline=baseline, catalog=catalog, pipeline=pipeline
    )


def principal_statements(
    cfg: StackConfig, sites: Sites, account_id: pulumi.Input[str], storage: LakeStorage, symbol: str
) -> list[grants.Statement]:
    """What a principal's own IAM policy needs besides its Lake Formation grants (before the lake exists)."""
    return principals.principal_statements(
        symbol,
        grants_=cfg.lake.grants,
        tag_grants=cfg.lake.tag_grants,
        databases=cfg.lake.databases,
        region=sites.compute.region,
        account_id=account_id,
        catalog_kms_key_arn=storage.catalog_key.key_arn,
    )


def build_governance(
    cfg: StackConfig,
    sites: Sites,
    account_id: pulumi.Input[str],
    storage: LakeStorage,
    *,
    emr_instance_role_path: str,
    principal_arns: Mapping[str, pulumi.Input[str]],
) -> LakeGovernance:
    """Lake Formation over the compute side's registered zones; ``principal_arns`` holds the roles the program
    created for ``lateBound`` principals."""
    compute = sites.compute
    return LakeGovernance(
        "lake",
        LakeGovernanceArgs(
            region=compute.region,
            account_id=account_id,
            registered_buckets={z: storage.bucket(compute, z) for z in REGISTERED_ZONES},
            catalog_kms_key_arn=storage.catalog_key.key_arn,
            database_names=storage.catalog.database_names,
            table_names=storage.catalog.table_names,
            databases=cfg.lake.databases,
            lf_tags=cfg.lake.lf_tags,
            principals=cfg.lake.principals,
            principal_arns=principal_arns,
            grants=cfg.lake.grants,
            tag_grants=cfg.lake.tag_grants,
            location_grants=cfg.lake.location_grants,
            emr_instance_role_path=emr_instance_role_path,
            # The runtime role runs the pipeline's EMR steps (fill_lake): the job file, raw/<database>/ writes.
            emr_runtime_statements=[storage.pipeline.writer_statements()],
            wait_for=storage.baseline.lake_dependencies,
        ),
        opts=pulumi.ResourceOptions(provider=compute.provider),
    )
