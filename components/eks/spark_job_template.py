"""SparkJobTemplate: an EMR on EKS job template for the lake pipeline, its pod templates and the job role's reads.

``aws.emrcontainers.JobTemplate`` holds a ``StartJobRun`` request (https://docs.aws.amazon.com/emr/latest/
EMR-on-EKS-DevelopmentGuide/job-templates.html): the release label, the job execution role, the Spark entry point
and arguments, ``spark-defaults`` (pod templates, Glue metastore, the Iceberg catalog on Glue, dynamic allocation with
shuffle tracking - EKS has no external shuffle service), and monitoring: CloudWatch Logs (the job log group of
``EmrOnEks``), S3 logs under ``s3://<logs bucket>/<prefix>``, and the persistent Spark UI. The template is encrypted
with a customer-managed key.

pulumi-aws 7.51's ``JobTemplate`` has no ``parameterConfiguration``: the arguments are fixed at plan time;
``scripts/ops/submit_job.py`` submits the same job with other arguments through ``StartJobRun`` directly.

``job_role_statements()`` is what the job role needs for this template: read the two pod templates (EMR on EKS
fetches them with that role) and write its S3 logs. It is computed before the role exists (the pod templates' keys
are fixed) and attached by ``EmrOnEks``, the component that creates the role.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import naming
from components.eks import pod_templates
from components.emr.configurations import GLUE_HIVE_CLIENT_FACTORY, spark_iceberg_catalog
from components.lake.storage_zones import ZoneBucket
from components.security import grants

POD_TEMPLATE_PREFIX = "emr-on-eks/pod-templates"
ICEBERG_RUNTIME_JAR = "local:///usr/share/aws/iceberg/lib/iceberg-spark3-runtime.jar"
"""Iceberg's Spark runtime in EMR on EKS images ("Using Apache Iceberg with Amazon EMR on EKS",
https://docs.aws.amazon.com/emr/latest/EMR-on-EKS-DevelopmentGuide/tutorial-iceberg.html)."""


def pod_template_key(name: str, role: str) -> str:
    return f"{POD_TEMPLATE_PREFIX}/{name}/{role}.yaml"


def job_role_statements(
    name: str, *, artifacts_bucket: ZoneBucket, logs_bucket: ZoneBucket, logs_prefix: str = "emr-on-eks"
) -> list[grants.Statement]:
    """The job role's reads and writes for the template ``name`` (pod templates, S3 logs)."""
    stmts = [
        grants.statement(
            "pod templates",
            ["s3:GetObject"],
            [
                pulumi.Output.concat(artifacts_bucket.bucket_arn, "/", pod_template_key(name, role))
                for role in ("driver", "executor")
            ],
        ),
        *logs_bucket.grant_write(f"{logs_prefix}/"),
    ]
    if artifacts_bucket.kms_key_arn is not None:
        stmts.append(grants.kms_use([artifacts_bucket.kms_key_arn], decrypt_only=True, sid="pod template key"))
    return stmts


def release_label(emr_release: str) -> str:
    """EMR on EKS release labels name an image line: ``emr-7.5.0`` -> ``emr-7.5.0-latest``."""
    if not emr_release.startswith("emr-") or emr_release.endswith("-latest"):
        raise ValueError(f"expected an EMR release like emr-7.5.0, got {emr_release!r}")
    return f"{emr_release}-latest"


def spark_defaults(
    *, driver_template_uri: str, executor_template_uri: str, iceberg_catalog: str, warehouse: str, max_executors: int
) -> dict[str, str]:
    """``spark-defaults`` of the template (pure, tested)."""
    return {
        "spark.kubernetes.driver.podTemplateFile": driver_template_uri,
        "spark.kubernetes.executor.podTemplateFile": executor_template_uri,
        # EMR on EKS and Glue: https://aws.github.io/aws-emr-containers-best-practices/metastore-integrations/docs/aws-glue/
        "spark.hadoop.hive.metastore.client.factory.class": GLUE_HIVE_CLIENT_FACTORY,
        "spark.jars": ICEBERG_RUNTIME_JAR,
        **spark_iceberg_catalog(iceberg_catalog, warehouse=warehouse),
        "spark.dynamicAllocation.enabled": "true",
        "spark.dynamicAllocation.shuffleTracking.enabled": "true",
        "spark.dynamicAllocation.minExecutors": "1",
        "spark.dynamicAllocation.maxExecutors": str(max_executors),
        "spark.decommission.enabled": "true",
        "spark.storage.decommission.enabled": "true",
        "spark.storage.decommission.shuffleBlocks.enabled": "true",
    }


@dataclass(frozen=True, kw_only=True)
class SparkJobTemplateArgs:
    release_label: str
    """EMR on EKS release label (``emr-7.5.0-latest``; see ``release_label()``). Required."""
    job_role_arn: pulumi.Input[str]
    """Job execution role. Required."""
    entry_point_uri: pulumi.Input[str]
    """``s3://`` URI of the job (``LakePipeline.entry_point_uri``). Required."""
    entry_point_arguments: Sequence[pulumi.Input[str]]
    """Arguments of the job. Required."""
    artifacts_bucket: ZoneBucket
    """Bucket for the pod templates (compute region). Required."""
    logs_bucket: ZoneBucket
    """Bucket for the S3 monitoring logs. Required."""
    log_group_name: pulumi.Input[str]
    """CloudWatch log group of the job logs (``EmrOnEks.job_log_group_name``). Required."""
    template_kms_key_arn: pulumi.Input[str]
    """Customer-managed key that encrypts the template. Required."""
    warehouse: pulumi.Input[str]
    """Iceberg warehouse ``s3://`` URI. Required."""
    iceberg_catalog: str = "iceberg"
    """Spark Iceberg catalog name. Default: iceberg (as on the burst cluster)."""
    karpenter: bool = True
    """Place pods on Karpenter's pools (else on the managed node groups). Default: on."""
    max_executors: int = 50
    """Dynamic allocation ceiling. Default: 50."""
    logs_prefix: str = "emr-on-eks"
    """Prefix of the S3 logs in the logs bucket. Default: ``emr-on-eks``."""
    log_stream_prefix: str = "tpcds-to-iceberg"
    """CloudWatch log stream prefix. Default: ``tpcds-to-iceberg``."""
    job_tags: Mapping[str, str] = field(default_factory=lambda: {"hybrid-burst/job": "tpcds-to-iceberg"})
    """Tags of every job run from the template. Default: ``hybrid-burst/job=tpcds-to-iceberg``."""


class SparkJobTemplate(pulumi.ComponentResource):
    """The lake pipeline as an EMR on EKS job template (see the module docstring)."""

    job_template_id: pulumi.Output[str]
    job_template_arn: pulumi.Output[str]
    driver_pod_template_uri: pulumi.Output[str]
    executor_pod_template_uri: pulumi.Output[str]
    s3_log_uri: pulumi.Output[str]

    def __init__(self, name: str, args: SparkJobTemplateArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("hybrid-burst:eks:SparkJobTemplate", name, None, opts)
        if not args.release_label.startswith("emr-") or args.release_label.count("-") < 2:
            raise ValueError(f"SparkJobTemplateArgs.release_label {args.release_label!r}: e.g. emr-7.5.0-latest")
        child = pulumi.ResourceOptions(parent=self)
        uploads: dict[str, aws.s3.BucketObjectv2] = {}
        for role, placement in pod_templates.placements(karpenter=args.karpenter).items():
            uploads[role] = aws.s3.BucketObjectv2(
                f"{name}-{role}-pod-template",
                bucket=args.artifacts_bucket.bucket_name,
                key=pod_template_key(name, role),
                content=pod_templates.render(pod_templates.pod_template(role, placement)),
                content_type="application/yaml",
                server_side_encryption="aws:kms" if args.artifacts_bucket.kms_key_arn is not None else None,
                kms_key_id=args.artifacts_bucket.kms_key_arn,
                opts=child,
            )
        uris = {r: pulumi.Output.concat("s3://", o.bucket, "/", o.key) for r, o in uploads.items()}
        log_uri = args.logs_bucket.s3_uri(args.logs_prefix)
        properties = pulumi.Output.all(uris["driver"], uris["executor"], args.warehouse).apply(
            lambda v: spark_defaults(
                driver_template_uri=v[0],
                executor_template_uri=v[1],
                iceberg_catalog=args.iceberg_catalog,
                warehouse=v[2],
                max_executors=args.max_executors,
            )
        )
        data = aws.emrcontainers.JobTemplateJobTemplateDataArgs(
            execution_role_arn=args.job_role_arn,
            release_label=args.release_label,
            job_driver=aws.emrcontainers.JobTemplateJobTemplateDataJobDriverArgs(
                spark_submit_job_driver=aws.emrcontainers.JobTemplateJobTemplateDataJobDriverSparkSubmitJobDriverArgs(
                    entry_point=args.entry_point_uri,
                    entry_point_arguments=list(args.entry_point_arguments),
                    spark_submit_parameters="--conf spark.driver.cores=2 --conf spark.executor.cores=4 "
                    "--conf spark.executor.memory=24g",
                )
            ),
            configuration_overrides=aws.emrcontainers.JobTemplateJobTemplateDataConfigurationOverridesArgs(
                application_configurations=[
                    aws.emrcontainers.JobTemplateJobTemplateDataConfigurationOverridesApplicationConfigurationArgs(
                        classification="spark-defaults", properties=properties
                    )
                ],
                monitoring_configuration=aws.emrcontainers.JobTemplateJobTemplateDataConfigurationOverridesMonitoringConfigurationArgs(
                    persistent_app_ui="ENABLED",
                    cloud_watch_monitoring_configuration=aws.emrcontainers.JobTemplateJobTemplateDataConfigurationOverridesMonitoringConfigurationCloudWatchMonitoringConfigurationArgs(
                        log_group_name=args.log_group_name, log_stream_name_prefix=args.log_stream_prefix
                    ),
                    s3_monitoring_configuration=aws.emrcontainers.JobTemplateJobTemplateDataConfigurationOverridesMonitoringConfigurationS3MonitoringConfigurationArgs(
                        log_uri=log_uri
                    ),
                ),
            ),
            job_tags=dict(args.job_tags),
        )
        template = aws.emrcontainers.JobTemplate(
            f"{name}-template",
            name=naming.resource_name(pulumi.get_stack(), name),
            kms_key_arn=args.template_kms_key_arn,
            job_template_data=data,
            # EMR on EKS reads the pod templates when a run starts; they exist before the template.
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(uploads.values())),
        )
        self.job_template_id = template.id
        self.job_template_arn = template.arn
        self.driver_pod_template_uri = uris["driver"]
        self.executor_pod_template_uri = uris["executor"]
        self.s3_log_uri = log_uri
        self.register_outputs(
            {
                "job_template_id": self.job_template_id,
                "job_template_arn": self.job_template_arn,
                "driver_pod_template_uri": self.driver_pod_template_uri,
                "executor_pod_template_uri": self.executor_pod_template_uri,
            }
        )
