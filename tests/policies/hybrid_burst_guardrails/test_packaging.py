"""The pack as an installable package: one version everywhere, pinned requirements, a changelog, and a wheel that
another project installs and serves as its own policy pack.

The wheel is built once per session offline, the way ``make pack-wheel`` and the pack's CI job build it
(``pip wheel --no-deps --no-build-isolation --no-index``, flit_core from requirements-dev.txt), then installed with
``pip install --target`` into a temporary directory that nothing else puts on ``sys.path``.
"""

from __future__ import annotations

import email
import email.message
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hybrid_burst_guardrails import __version__
from hybrid_burst_guardrails.registry import build_registry
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from scripts.offline.analyzer import PackSession
from tests.policies.guardrail_harness import PACK_DIR, REPO

PACKAGE = "hybrid_burst_guardrails"
PYPROJECT = tomllib.loads((PACK_DIR / "pyproject.toml").read_text())


def pins(path: Path) -> dict[str, str]:
    """``name==version`` lines of a requirements file (``-r`` includes followed), keyed by canonical name."""
    out: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            out.update(pins(path.parent / line[3:].strip()))
            continue
        req = Requirement(line)
        (spec,) = req.specifier
        assert spec.operator == "==", f"{path.name}: {line} is not pinned exactly"
        out[canonicalize_name(req.name)] = spec.version
    return out


def pip(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@dataclass(frozen=True)
class Built:
    wheel: Path
    site: Path
    """The wheel installed with ``pip install --target`` (no dependencies: the test venv has them)."""


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("pack-wheel")
    pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "--no-cache-dir", str(PACK_DIR), "-w", str(root))
    (wheel,) = root.glob("*.whl")
    site = root / "site"
    pip("install", "--no-deps", "--no-index", "--no-cache-dir", "--target", str(site), str(wheel))
    return Built(wheel, site)


def metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        return email.message_from_bytes(zf.read(name))


# --- one version, pinned requirements, a changelog ----------------------------------------------------------------


def test_the_version_has_one_source() -> None:
    """pyproject reads ``__version__`` (dynamic); the CLI reads PulumiPolicy.yaml, which must say the same."""
    assert "version" not in PYPROJECT["project"]
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["flit"]["module"]["name"] == PACKAGE
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    declared = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text())
    assert str(declared["version"]) == __version__
    readme = (PACK_DIR / "README.md").read_text()
    assert readme.startswith(f"# hybrid-burst-guardrails {__version__}\n")


def test_requirements_are_pinned_to_what_the_repository_tests_with() -> None:
    """Every pin equals the repository's own pin (the test venv) and satisfies the wheel's dependency range."""
    pack = pins(PACK_DIR / "requirements.txt")
    repo = pins(REPO / "requirements-dev.txt")
    ranges = {canonicalize_name(r.name): r.specifier for r in map(Requirement, PYPROJECT["project"]["dependencies"])}
    assert set(ranges) <= set(pack), "every dependency of the wheel is pinned in requirements.txt"
    for name, version in pack.items():
        assert repo.get(name) == version, f"{name}=={version}: the repository pins {repo.get(name)}"
        assert importlib.metadata.version(name) == version, f"{name}: installed {importlib.metadata.version(name)}"
        if name in ranges:
            assert version in ranges[name], f"{name}=={version} is outside pyproject's {ranges[name]}"


def test_changelog_has_this_version_on_top_and_names_every_rule() -> None:
    text = (PACK_DIR / "CHANGELOG.md").read_text()
    versions = re.findall(r"^## (\d+\.\d+\.\d+)\b", text, re.MULTILINE)
    assert versions[0] == __version__, f"CHANGELOG.md's latest entry is {versions[0]}, the pack is {__version__}"
    assert versions == sorted(versions, key=lambda v: tuple(map(int, v.split("."))), reverse=True)
    named = set(re.findall(r"`([a-z0-9]+(?:-[a-z0-9]+)+)`", text))
    missing = [rule.id for rule in build_registry() if rule.id not in named]
    assert not missing, f"rules missing from CHANGELOG.md: {missing}"


# --- the wheel ----------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_wheel_metadata_and_contents(built: Built) -> None:
    meta = metadata(built.wheel)
    assert meta["Name"] == "hybrid-burst-guardrails"
    assert meta["Version"] == __version__
    assert built.wheel.name == f"{PACKAGE}-{__version__}-py3-none-any.whl"
    assert meta["Requires-Python"] == PYPROJECT["project"]["requires-python"]
    assert sorted(meta.get_all("Requires-Dist") or []) == sorted(PYPROJECT["project"]["dependencies"])
    with zipfile.ZipFile(built.wheel) as zf:
        names = set(zf.namelist())
    source = {
        p.relative_to(PACK_DIR).as_posix() for p in (PACK_DIR / PACKAGE).rglob("*.py") if "__pycache__" not in p.parts
    }
    assert source <= names, f"modules missing from the wheel: {sorted(source - names)}"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith(("venv/", "tests/"))]


@pytest.mark.slow
def test_the_installed_wheel_imports_the_whole_registry(built: Built, tmp_path: Path) -> None:
    """In a fresh interpreter that only sees the installed wheel (not the source tree): same rules, same version."""
    code = (
        "import json, hybrid_burst_guardrails as h; from hybrid_burst_guardrails.registry import build_registry; "
        "print(json.dumps({'file': h.__file__, 'version': h.__version__, 'rules': build_registry().ids}))"
    )
    done = subprocess.run(
        [sys.executable, "-P", "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(built.site)},
    )
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert Path(got["file"]).is_relative_to(built.site), got["file"]
    assert got["version"] == __version__
    assert got["rules"] == build_registry().ids


@pytest.mark.slow
def test_another_project_serves_the_wheel_as_its_policy_pack(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's recipe: a pack directory of two files (written by the README's own commands) whose interpreter
    has the wheel installed, started as the CLI starts it and driven over the Analyzer protocol."""
    readme = (PACK_DIR / "README.md").read_text()
    recipe = [line for line in readme.splitlines() if line.startswith("printf ")]
    assert len(recipe) == 2, "the README writes PulumiPolicy.yaml and __main__.py with printf"
    consumer = tmp_path / "my-guardrails"
    consumer.mkdir()
    subprocess.run(["bash", "-c", "\n".join(recipe)], cwd=consumer, check=True, timeout=30)
    assert sorted(p.name for p in consumer.iterdir()) == ["PulumiPolicy.yaml", "__main__.py"]

    monkeypatch.setenv("PYTHONPATH", str(built.site))
    key = {
        "urn": "urn:pulumi:dev::other-project::aws:kms/key:Key::k",
        "type": "aws:kms/key:Key",
        "name": "k",
        "custom": True,
        "id": "k-id",
        "inputs": {"enableKeyRotation": "false"},
        "outputs": {"enableKeyRotation": "false", "id": "k-id"},
    }
    with PackSession(consumer, stack="dev", project="other-project", python=sys.executable) as session:
        result = session.evaluate([key], config={"all": "mandatory"})
    assert result.pack == "hybrid-burst-guardrails"
    assert result.version == __version__
    assert len(result.policies) == len(build_registry())
    assert [(v.policy_name, v.urn) for v in result.mandatory_violations()] == [("kms-key-rotation", key["urn"])]
