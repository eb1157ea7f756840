"""Each AWS service's (and Kubernetes') rules for the physical names this program derives. Pure functions.

Every ``*_problem`` function returns None for a legal name, or a sentence saying which rule the name breaks (so a
config error can name the key, the value and the fix). Rules and their sources:

- S3 bucket names: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html (general purpose
  buckets): 3-63 characters; lowercase letters, digits, '.' and '-'; begin and end with a letter or digit; no two
  adjacent periods; not formatted as an IP address; reserved prefixes ``xn--``, ``sthree-``, ``amzn-s3-demo-`` and
  suffixes ``-s3alias``, ``--ol-s3``, ``.mrap``, ``--x-s3``, ``--table-s3``.
- S3 bucket prefixes (Pulumi ``bucketPrefix``): the prefix of a bucket name, at most 37 characters (the provider
  appends a 26-character unique suffix; pulumi_aws ``s3.Bucket`` ``bucket_prefix`` docstring).
- S3 object keys in URIs this program reads: no ``.`` or ``..`` path segments and no empty segments (S3 keys are
  opaque, but SDKs and tools normalise ``../`` - https://docs.aws.amazon.com/AmazonS3/latest/userguide/
  object-keys.html "Object key naming guidelines").
- IAM (botocore ``iam`` model, https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html): role names
  1-64 characters ``[\\w+=,.@-]``; policy names 1-128 of the same; paths ``/`` or ``/.../`` of 1-512 printable
  ASCII characters.
- Glue databases and tables: Glue allows 1-255 characters; Athena and Trino only read lowercase letters, digits
  and underscores (https://docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html).
- CloudWatch Logs log groups: 1-512 characters ``[.\\-_/#A-Za-z0-9]`` (CreateLogGroup, botocore ``logs`` model);
  must not start with ``aws/`` (reserved for AWS services) - ``/aws/...`` is where services such as EventBridge
  expect their groups.
- CloudWatch alarms: 1-255 characters (PutMetricAlarm); dashboards: 1-255 characters ``[A-Za-z0-9_-]``
  (PutDashboard).
- EventBridge rules: 1-64 characters ``[.\\-_A-Za-z0-9]`` (PutRule).
- SNS topics: 1-256 ASCII letters, digits, '_' and '-' (CreateTopic).
- KMS aliases: ``alias/`` + ``[a-zA-Z0-9:/_-]``, at most 256 characters, not ``alias/aws/`` (CreateAlias).
- EKS clusters: 1-100 characters, ``[0-9A-Za-z][A-Za-z0-9_-]*`` (CreateCluster); EMR on EKS virtual clusters:
  1-64 characters ``[.\\-_/#A-Za-z0-9]`` (CreateVirtualCluster, botocore ``emr-containers`` model).
- EMR clusters: at most 256 characters (RunJobFlow ``Name``); EMR on EKS job templates: 1-64 characters
  ``[.\\-_/#A-Za-z0-9]`` (CreateJobTemplate, botocore ``emr-containers`` model).
- SQS queues: 1-80 characters, letters, digits, '-' and '_' (CreateQueue ``QueueName``; https://docs.aws.amazon.com/
  AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html).
- Kubernetes: RFC 1123 DNS labels (namespaces, service accounts: 63 characters ``[a-z0-9-]``, alphanumeric at both
  ends) and DNS subdomains (253 characters of labels joined by '.'):
  https://kubernetes.io/docs/concepts/overview/working-with-objects/names/.
- Pulumi stack names: 1-100 characters ``[A-Za-z0-9_.-]`` (pulumi/pulumi ``tokens.ValidateName``). This program
  is stricter, because the stack name becomes part of every name above: lowercase letters, digits and '-',
  starting with a letter (S3 refuses upper case and '_'; SNS and CloudWatch dashboards refuse '.').
"""

from __future__ import annotations

import ipaddress
import re

_S3_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$")
_S3_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_S3_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
S3_BUCKET_PREFIX_MAX = 37
_IAM_NAME_RE = re.compile(r"^[\w+=,.@-]+$", re.ASCII)
_IAM_PATH_RE = re.compile(r"^(/|/[\x21-\x7e]+/)$")
_GLUE_RE = re.compile(r"^[a-z0-9_]+$")
_LOG_GROUP_RE = re.compile(r"^[.\-_/#A-Za-z0-9]+$")
_DASHBOARD_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_EVENT_RULE_RE = re.compile(r"^[.\-_A-Za-z0-9]+$")
_SNS_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_KMS_ALIAS_RE = re.compile(r"^alias/[a-zA-Z0-9:/_-]+$")
_EKS_CLUSTER_RE = re.compile(r"^[0-9A-Za-z][A-Za-z0-9_-]*$")
_VIRTUAL_CLUSTER_RE = re.compile(r"^[.\-_/#A-Za-z0-9]+$")
_SQS_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_DNS_LABEL_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_PULUMI_STACK_RE = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
_STACK_RE = re.compile(r"^[a-z][a-z0-9-]*$")


def _length(name: str, low: int, high: int, what: str) -> str | None:
    if not low <= len(name) <= high:
        return f"is {len(name)} characters; {what} must be {low}-{high}"
    return None


def s3_bucket_problem(name: str) -> str | None:
    """S3 general purpose bucket naming rules."""
    if problem := _length(name, 3, 63, "an S3 bucket name"):
        return problem
    if name != name.lower():
        return "has upper-case letters; S3 bucket names are lowercase"
    if "_" in name:
        return "has an underscore; S3 bucket names allow only lowercase letters, digits, '.' and '-'"
    if not _S3_BUCKET_RE.match(name):
        return "S3 bucket names use lowercase letters, digits, '.' and '-', and begin and end with a letter or digit"
    if ".." in name:
        return "has two adjacent periods, which S3 bucket names must not"
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        pass
    else:
        return "is formatted as an IP address, which S3 refuses as a bucket name"
    for prefix in _S3_RESERVED_PREFIXES:
        if name.startswith(prefix):
            return f"starts with {prefix!r}, a prefix S3 reserves"
    for suffix in _S3_RESERVED_SUFFIXES:
        if name.endswith(suffix):
            return f"ends with {suffix!r}, a suffix S3 reserves"
    return None


def s3_bucket_prefix_problem(prefix: str) -> str | None:
    """A ``bucketPrefix``: the start of a legal bucket name, at most 37 characters."""
    if len(prefix) > S3_BUCKET_PREFIX_MAX:
        return f"is {len(prefix)} characters; a bucket prefix may have at most {S3_BUCKET_PREFIX_MAX}"
    # Check it as the start of a full name: append the kind of suffix the provider adds.
    return s3_bucket_problem(prefix + "20260101000000000000000001")


def s3_uri_problem(uri: str) -> str | None:
    """An ``s3://bucket/key`` URI: a legal bucket and a key without '.'/'..'/empty segments."""
    if not uri.startswith("s3://"):
        return "is not an s3:// URI; write s3://<bucket>/<key>"
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    if problem := s3_bucket_problem(bucket):
        return f"bucket {bucket!r} {problem}"
    if not key:
        return "names no object key; write s3://<bucket>/<key>"
    segments = key.split("/")
    if any(s in (".", "..") for s in segments):
        return "has a '.' or '..' path segment in its key; S3 tools normalise these - write the plain key"
    if any(s == "" for s in segments[:-1]):
        return "has an empty path segment ('//') in its key; write the plain key"
    return None


def iam_role_name_problem(name: str) -> str | None:
    if problem := _length(name, 1, 64, "an IAM role name"):
        return problem
    if not _IAM_NAME_RE.match(name):
        return "IAM role names allow letters, digits and + = , . @ _ - only"
    return None


def iam_policy_name_problem(name: str) -> str | None:
    if problem := _length(name, 1, 128, "an IAM policy name"):
        return problem
    if not _IAM_NAME_RE.match(name):
        return "IAM policy names allow letters, digits and + = , . @ _ - only"
    return None


def iam_path_problem(path: str) -> str | None:
    if problem := _length(path, 1, 512, "an IAM path"):
        return problem
    if not _IAM_PATH_RE.match(path):
        return "an IAM path is '/' or starts and ends with '/' with printable ASCII between"
    return None


def glue_name_problem(name: str) -> str | None:
    """Glue database or table names readable by Athena and Trino."""
    if problem := _length(name, 1, 255, "a Glue name"):
        return problem
    if not _GLUE_RE.match(name):
        return "Glue names for Athena/Trino use lowercase letters, digits and '_' only"
    return None


def log_group_problem(name: str) -> str | None:
    if problem := _length(name, 1, 512, "a CloudWatch Logs log group name"):
        return problem
    if not _LOG_GROUP_RE.match(name):
        return "log group names allow letters, digits and . - _ / # only"
    if name.startswith("aws/"):
        return "log group names starting with 'aws/' are reserved for AWS services"
    return None


def alarm_name_problem(name: str) -> str | None:
    return _length(name, 1, 255, "a CloudWatch alarm name")


def dashboard_name_problem(name: str) -> str | None:
    if problem := _length(name, 1, 255, "a CloudWatch dashboard name"):
        return problem
    if not _DASHBOARD_RE.match(name):
        return "dashboard names allow letters, digits, '-' and '_' only"
    return None


def event_rule_name_problem(name: str) -> str | None:
    if problem := _length(name, 1, 64, "an EventBridge rule name"):
        return problem
    if not _EVENT_RULE_RE.match(name):
        return "EventBridge rule names allow letters, digits and . - _ only"
    return None


def sns_topic_problem(name: str) -> str | None:
    if problem := _length(name, 1, 256, "an SNS topic name"):
        return problem
    if not _SNS_RE.match(name):
        return "SNS topic names allow ASCII letters, digits, '_' and '-' only"
    return None


def kms_alias_problem(name: str) -> str | None:
    if problem := _length(name, 7, 256, "a KMS alias"):
        return problem
    if not _KMS_ALIAS_RE.match(name):
        return "KMS aliases are alias/ followed by letters, digits and : / _ -"
    if name.startswith("alias/aws/"):
        return "alias/aws/ is reserved for AWS managed keys"
    return None


def eks_cluster_name_problem(name: str) -> str | None:
    if problem := _length(name, 1, 100, "an EKS cluster name"):
        return problem
    if not _EKS_CLUSTER_RE.match(name):
        return "EKS cluster names start with a letter or digit and allow letters, digits, '-' and '_'"
    return None


def virtual_cluster_name_problem(name: str) -> str | None:
    if problem := _length(name, 1, 64, "an EMR on EKS virtual cluster name"):
        return problem
    if not _VIRTUAL_CLUSTER_RE.match(name):
        return "virtual cluster names allow letters, digits and . - _ / # only"
    return None


def job_template_problem(name: str) -> str | None:
    if problem := _length(name, 1, 64, "an EMR on EKS job template name"):
        return problem
    if not _VIRTUAL_CLUSTER_RE.match(name):
        return "job template names allow letters, digits and . - _ / # only"
    return None


def sqs_queue_problem(name: str) -> str | None:
    if problem := _length(name, 1, 80, "an SQS queue name"):
        return problem
    if not _SQS_RE.match(name):
        return "SQS queue names allow letters, digits, '-' and '_' only"
    return None


def emr_cluster_name_problem(name: str) -> str | None:
    return _length(name, 1, 256, "an EMR cluster name")


def k8s_label_problem(name: str) -> str | None:
    """An RFC 1123 DNS label (Kubernetes namespaces, service accounts)."""
    if problem := _length(name, 1, 63, "a Kubernetes name (RFC 1123 label)"):
        return problem
    if not _DNS_LABEL_RE.match(name):
        return "Kubernetes names are lowercase letters, digits and '-', starting and ending with a letter or digit"
    return None


def k8s_subdomain_problem(name: str) -> str | None:
    """An RFC 1123 DNS subdomain (most Kubernetes object names)."""
    if problem := _length(name, 1, 253, "a Kubernetes object name (RFC 1123 subdomain)"):
        return problem
    for label in name.split("."):
        if problem := k8s_label_problem(label):
            return f"label {label!r}: {problem}"
    return None


def stack_name_problem(stack: str) -> str | None:
    """A stack name this program accepts (stricter than Pulumi's own rule; see the module docstring)."""
    if not _PULUMI_STACK_RE.match(stack):
        return "is not a Pulumi stack name (1-100 letters, digits, '_', '.', '-')"
    if not _STACK_RE.match(stack):
        return (
            "must be lowercase letters, digits and '-', starting with a letter: the stack name becomes part of S3 "
            "bucket names (no upper case, no '_'), SNS topics and dashboards (no '.') - rename the stack, e.g. "
            + (re.sub(r"[^a-z0-9-]+", "-", stack.lower()).strip("-") or "dev")
        )
    return None


# --- deriving the names ----------------------------------------------------------------------------------------------
# Every physical name the program derives from the stack name is built here, so the components and the config
# validation (``components/config/checks.py``, ``physical_names``) build the same strings. Each builder names the
# rule above that its result must obey.

PROJECT = "hybrid-burst"
BUCKET_PREFIX_STACK_CHARS = 10
"""Characters of the stack name in a bucket prefix: S3 names are global, the 37-character prefix is short."""
EVENT_RULE_MAX = 64


def resource_name(stack: str, *parts: str) -> str:
    """``hybrid-burst-<stack>[-<part>...]``: names of EMR and EKS clusters, alarms, SNS topics, dashboards, IAM
    roles and policies, Glue security configurations, EMR on EKS virtual clusters and job templates."""
    return "-".join((PROJECT, stack, *parts))


def log_group(stack: str, *parts: str) -> str:
    """``/hybrid-burst/<stack>/<part>/...``: the stack's CloudWatch Logs groups (``log_group_problem``)."""
    return "/".join(("", PROJECT, stack, *parts))


def events_log_group(stack: str, name: str) -> str:
    """``/aws/events/hybrid-burst/<stack>/<name>``: EventBridge's log targets live under ``/aws/events/``
    (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html, CloudWatch Logs target)."""
    return f"/aws/events/{PROJECT}/{stack}/{name}"


def event_rule(stack: str, *parts: str) -> str:
    """An EventBridge rule name, cut to its 64-character limit (config validation refuses a stack name long
    enough to make two cut names collide)."""
    return resource_name(stack, *parts)[:EVENT_RULE_MAX]


def kms_alias(stack: str, purpose: str) -> str:
    """``alias/hybrid-burst/<stack>/<purpose>`` (``kms_alias_problem``)."""
    return f"alias/{PROJECT}/{stack}/{purpose}"


def bucket_prefix(stack: str, *parts: str) -> str:
    """``hb-<stack, 10 characters>-<part>-...-``, cut to the 37 characters a ``bucketPrefix`` may have
    (``s3_bucket_prefix_problem``)."""
    return "-".join(("hb", stack[:BUCKET_PREFIX_STACK_CHARS], *parts, ""))[:S3_BUCKET_PREFIX_MAX]


def iam_path(stack: str, purpose: str) -> str:
    """``/hybrid-burst/<stack>/<purpose>/`` (``iam_path_problem``)."""
    return f"/{PROJECT}/{stack}/{purpose}/"
