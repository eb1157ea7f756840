"""Does it exist? One module that answers, from catalogs kept as data with their source and date.

- Regions: botocore's ``endpoints.json`` (botocore is pinned in requirements.txt; its partitions list every
  Region of the commercial, China and GovCloud partitions).
- Availability Zones: ``data/availability_zones.csv`` (rule and source in its header).
- EMR release labels: ``data/emr_releases.csv`` (the Amazon EMR Release Guide's release lists, dated).
- EC2 instance types: the ``InstanceType`` enum of botocore's EC2 API model (``ec2/2016-11-15/service-2.json``),
  the list of types the EC2 API accepts in the pinned botocore version.
- CPU architecture of an instance type: the fleet catalog's ``architecture`` column where it has the type,
  otherwise AWS's naming rule (below).

Every function is pure and cached; none calls AWS.
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

DATA = Path(__file__).parent / "data"
_PARTITIONS = ("aws", "aws-cn", "aws-us-gov")


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


@functools.cache
def regions() -> frozenset[str]:
    """Every Region of the commercial, China and GovCloud partitions in the pinned botocore."""
    import botocore.loaders

    endpoints = botocore.loaders.Loader().load_data("endpoints")
    return frozenset(
        region for part in endpoints["partitions"] if part["partition"] in _PARTITIONS for region in part["regions"]
    )


@functools.cache
def az_letters() -> dict[str, str]:
    """Region -> the AZ letters that exist there (see ``data/availability_zones.csv``)."""
    return {row["region"]: row["letters"] for row in _rows("availability_zones.csv")}


def az_problem(az: str, region: str) -> str | None:
    """Why ``az`` is not an Availability Zone of ``region``, or None when it is one."""
    if az == region:
        return f"is the Region name alone; an AZ name adds a letter, e.g. {region}a"
    if not az.startswith(region):
        return f"is not an AZ of {region}; use names like {region}a"
    letter = az[len(region) :]
    letters = az_letters().get(region)
    if letters is None:
        # A Region with no AZ row: only the shape can be checked.
        if not re.fullmatch(r"[a-z]", letter):
            return f"is not an AZ name; write {region} followed by one letter, e.g. {region}a"
        return None
    if letter not in letters:
        shown = ", ".join(f"{region}{x}" for x in letters)
        return f"does not exist; the AZs of {region} are {shown} (components/config/data/availability_zones.csv)"
    return None


@functools.cache
def emr_releases() -> tuple[str, ...]:
    """Known EMR release labels, newest first (``data/emr_releases.csv``)."""
    return tuple(row["release_label"] for row in _rows("emr_releases.csv"))


def emr_release_exists(label: str) -> bool:
    return label in emr_releases()


@functools.cache
def instance_types() -> frozenset[str]:
    """Every EC2 instance type the EC2 API of the pinned botocore accepts."""
    import botocore.loaders

    model = botocore.loaders.Loader().load_service_model("ec2", "service-2")
    return frozenset(model["shapes"]["InstanceType"]["enum"])


@functools.cache
def instance_families() -> frozenset[str]:
    return frozenset(t.split(".", 1)[0] for t in instance_types())


def instance_type_exists(instance_type: str) -> bool:
    return instance_type in instance_types()


def sizes_of(family: str) -> list[str]:
    """The sizes the family comes in (for messages)."""
    return sorted(t.split(".", 1)[1] for t in instance_types() if t.split(".", 1)[0] == family)


# AWS instance-type naming: "<series><generation><options>.<size>"; the options letter "g" means AWS Graviton
# processors (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html). Exceptions that the
# rule misses: a1 (first-generation Graviton, no option letter) and p6e-gb200 (NVIDIA Grace, Arm).
_FAMILY_RE = re.compile(r"^([a-z]+?)(\d+)([a-z-]*)$")
_ARM_EXCEPTIONS = frozenset({"a1", "p6e-gb200"})


def architecture(instance_type: str) -> str:
    """``arm64`` or ``x86_64`` for an instance type: the fleet catalog first, then the naming rule."""
    from components.emr.fleets import catalog as instance_catalog

    spec = instance_catalog.catalog().get(instance_type)
    if spec is not None:
        return str(spec.architecture)
    family = instance_type.split(".", 1)[0]
    if family in _ARM_EXCEPTIONS or family.startswith("mac"):
        return "arm64"
    m = _FAMILY_RE.match(family)
    return "arm64" if m and "g" in m.group(3) else "x86_64"


def instance_type_problem(instance_type: str) -> str | None:
    """Why ``instance_type`` does not exist, naming the closest fix, or None."""
    if instance_type_exists(instance_type):
        return None
    family, _, size = instance_type.partition(".")
    if family not in instance_families():
        import difflib

        close = difflib.get_close_matches(family, sorted(instance_families()), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        return f"no EC2 instance family {family!r} exists (botocore's EC2 model){hint}"
    return f"{family} has no size {size!r}; it comes in {', '.join(sizes_of(family))}"
