"""DataCatalog: the Glue Data Catalog of the compute region - databases, Iceberg tables and a Glue security
configuration for crawlers and jobs. The catalog's encryption settings are account-wide: the owning stack's
``AccountBaseline`` sets them (``components/platform/account_baseline.py``)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import naming
from components.config.lake import DatabaseConfig, TableConfig


@dataclass(frozen=True, kw_only=True)
class DataCatalogArgs:
    region: str
    """Region of the provider in ``opts`` (for catalog ARNs). Required."""
    account_id: pulumi.Input[str]
    """Account (the catalog id). Required."""
    data_kms_key_arn: pulumi.Input[str]
    """Key for S3 output and job bookmarks of Glue crawlers/jobs (security configuration). Required."""
    logs_kms_key_arn: pulumi.Input[str]
    """Key for Glue jobs' CloudWatch logs (security configuration). Required."""
    databases: Sequence[DatabaseConfig] = ()
    """Databases and their Iceberg tables. Default: none."""
    zone_uris: Mapping[str, pulumi.Input[str]] | None = None
    """``s3://<bucket>/`` of each data zone a database names. Required when ``databases`` is set."""
    protect: bool = False
    """Protect and retain databases and tables. Default: off (on in prod)."""
    wait_for: Sequence[pulumi.Resource] = field(default_factory=tuple)
    """Resources the databases are created after: the owning stack's catalog encryption settings (metadata written
    before them would not be KMS-encrypted). Default: none (a sharing stack: the owner set them)."""


def iceberg_type(type_: str) -> str:
    """Glue's Iceberg schema wants each field type as a JSON value (``"string"``)."""
    return json.dumps(type_)


class DataCatalog(pulumi.ComponentResource):
    """Databases located in their zone (``s3://<zone bucket>/<database>/``); Iceberg v2 tables created with their
    schema."""

    database_names: dict[str, pulumi.Output[str]]
    table_names: dict[str, pulumi.Output[str]]
    """Keyed ``<database>.<table>``."""
    security_configuration_name: pulumi.Output[str]

    def __init__(self, name: str, args: DataCatalogArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:lake:DataCatalog", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=args.protect, retain_on_delete=args.protect)
        self._region = args.region
        self._account_id = args.account_id

        security = aws.glue.SecurityConfiguration(
            f"{name}-security",
            name=naming.resource_name(pulumi.get_stack(), name),
            encryption_configuration=aws.glue.SecurityConfigurationEncryptionConfigurationArgs(
                s3_encryption=aws.glue.SecurityConfigurationEncryptionConfigurationS3EncryptionArgs(
                    s3_encryption_mode="SSE-KMS", kms_key_arn=args.data_kms_key_arn
                ),
                cloudwatch_encryption=aws.glue.SecurityConfigurationEncryptionConfigurationCloudwatchEncryptionArgs(
                    cloudwatch_encryption_mode="SSE-KMS", kms_key_arn=args.logs_kms_key_arn
                ),
                job_bookmarks_encryption=aws.glue.SecurityConfigurationEncryptionConfigurationJobBookmarksEncryptionArgs(
                    job_bookmarks_encryption_mode="CSE-KMS", kms_key_arn=args.data_kms_key_arn
                ),
            ),
            opts=child,
        )
        self.security_configuration_name = security.name

        uris = dict(args.zone_uris or {})
        self.database_names = {}
        self.table_names = {}
        for db in args.databases:
            if db.zone not in uris:
                raise ValueError(f"DataCatalogArgs.zone_uris: no URI for zone {db.zone!r} (database {db.name})")
            database = aws.glue.CatalogDatabase(
                f"{name}-{db.name}",
                name=db.name,
                description=db.description or None,
                location_uri=pulumi.Output.concat(uris[db.zone], db.name, "/"),
                # No IAM_ALLOWED_PRINCIPALS default on tables created here: Lake Formation grants govern them.
                create_table_default_permissions=[],
                # Encryption settings first: metadata written before them would not be KMS-encrypted.
                opts=pulumi.ResourceOptions.merge(stateful, pulumi.ResourceOptions(depends_on=list(args.wait_for))),
            )
            self.database_names[db.name] = database.name
            for table in db.tables:
                created = self._iceberg_table(
                    name=name, database=database, db=db, table=table, zone_uri=uris[db.zone], opts=stateful
                )
                self.table_names[f"{db.name}.{table.name}"] = created.name

        self.register_outputs(
            {
                "database_names": self.database_names,
                "table_names": self.table_names,
                "security_configuration_name": self.security_configuration_name,
            }
        )

    def _iceberg_table(
        self,
        *,
        name: str,
        database: aws.glue.CatalogDatabase,
        db: DatabaseConfig,
        table: TableConfig,
        zone_uri: pulumi.Input[str],
        opts: pulumi.ResourceOptions,
    ) -> aws.glue.CatalogTable:
        """An Iceberg v2 table through Glue's OpenTableFormatInput (Glue writes the first metadata file)
        (https://docs.aws.amazon.com/glue/latest/webapi/API_IcebergInput.html)."""
        ids = {col.name: i + 1 for i, col in enumerate(table.columns)}
        iceberg = aws.glue
        return aws.glue.CatalogTable(
            f"{name}-{db.name}-{table.name}",
            name=table.name,
            database_name=database.name,
            description=table.description or None,
            open_table_format_input=iceberg.CatalogTableOpenTableFormatInputArgs(
                iceberg_input=iceberg.CatalogTableOpenTableFormatInputIcebergInputArgs(
                    metadata_operation="CREATE",
                    version="2",
                    iceberg_table_input=iceberg.CatalogTableOpenTableFormatInputIcebergInputIcebergTableInputArgs(
                        location=pulumi.Output.concat(zone_uri, db.name, "/", table.name, "/"),
                        schema=iceberg.CatalogTableOpenTableFormatInputIcebergInputIcebergTableInputSchemaArgs(
                            schema_id=0,
                            type="struct",
                            fields=[
                                iceberg.CatalogTableOpenTableFormatInputIcebergInputIcebergTableInputSchemaFieldArgs(
                                    id=ids[col.name],
                                    name=col.name,
                                    type=iceberg_type(col.type),
                                    required=col.required,
                                    doc=col.comment or None,
                                )
                                for col in table.columns
                            ],
                        ),
                        partition_spec=(
                            iceberg.CatalogTableOpenTableFormatInputIcebergInputIcebergTableInputPartitionSpecArgs(
                                spec_id=0,
                                fields=[
                                    iceberg.CatalogTableOpenTableFormatInputIcebergInputIcebergTableInputPartitionSpecFieldArgs(
                                        name=col, source_id=ids[col], transform="identity", field_id=1000 + i
                                    )
                                    for i, col in enumerate(table.partition_by)
                                ],
                            )
                            if table.partition_by
                            else None
                        ),
                        properties={"write.format.default": "parquet"},
                    ),
                )
            ),
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[database])),
        )

    def catalog_arn(self) -> pulumi.Output[str]:
        return pulumi.Output.concat("arn:aws:glue:", self._region, ":", self._account_id, ":catalog")

    def database_arn(self, database: str) -> pulumi.Output[str]:
        return pulumi.Output.concat("arn:aws:glue:", self._region, ":", self._account_id, ":database/", database)

    def table_arn(self, database: str, table: str) -> pulumi.Output[str]:
        """One table (``table="*"`` is not accepted: tables are named)."""
        if "*" in table or "*" in database:
            raise ValueError("table_arn: name the table; wildcards are not granted")
        return pulumi.Output.concat(
            "arn:aws:glue:", self._region, ":", self._account_id, ":table/", database, "/", table
        )
