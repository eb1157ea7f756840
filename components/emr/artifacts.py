"""Files an EMR cluster reads from S3: bootstrap scripts and other artifacts, stored under their content hash."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pulumi

BOOTSTRAP_DIR = Path(__file__).resolve().parent / "bootstrap"
ARTIFACT_PREFIX = "emr"


@dataclass(frozen=True, kw_only=True)
class Artifact:
    """A file the cluster reads from S3 (bootstrap script, catalog file), stored under its content hash so a
    changed file is a new object (bootstrap actions also run on nodes added later: they must not drift)."""

    name: str
    content: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.content.encode()).hexdigest()[:12]

    def key(self, cluster: str) -> str:
        return f"{ARTIFACT_PREFIX}/{cluster}/{self.digest}/{self.name}"

    @staticmethod
    def from_file(path: Path) -> Artifact:
        return Artifact(name=path.name, content=path.read_text())


@dataclass(frozen=True, kw_only=True)
class BootstrapScript:
    """A bootstrap action whose script is one of our artifacts."""

    artifact: Artifact
    args: Sequence[pulumi.Input[str]] = ()


def bootstrap_artifact(script: str) -> Artifact:
    """One of the repository's bootstrap scripts (``components/emr/bootstrap/<script>``)."""
    path = BOOTSTRAP_DIR / script
    if not path.is_file():
        raise FileNotFoundError(f"no bootstrap script {path}")
    return Artifact.from_file(path)
