"""Bootstrap scripts: shellcheck-clean and consistent with the arguments the program passes."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from components.emr.artifacts import BOOTSTRAP_DIR
from tests.tools import tool

SCRIPTS = sorted(BOOTSTRAP_DIR.glob("*.sh"))
STACK_EMR = Path(__file__).resolve().parents[3] / "stack" / "emr.py"
STACK_ONPREM = Path(__file__).resolve().parents[3] / "stack" / "onprem.py"


def test_there_are_bootstrap_scripts() -> None:
    assert [p.name for p in SCRIPTS] == ["alluxio-bootstrap.sh", "onprem-kerberos.sh"]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_shellcheck_clean(script: Path) -> None:
    shellcheck = tool("shellcheck")
    result = subprocess.run([shellcheck, "--severity=info", str(script)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("script_name", "caller"), [("alluxio-bootstrap.sh", STACK_EMR), ("onprem-kerberos.sh", STACK_ONPREM)]
)
def test_every_option_the_program_passes_is_parsed_by_the_script(script_name: str, caller: Path) -> None:
    script = (BOOTSTRAP_DIR / script_name).read_text()
    parsed = set(re.findall(r"^\s+(--[a-z0-9-]+)\)", script, re.MULTILINE))
    passed = set(re.findall(r'"(--[a-z0-9-]+)"', caller.read_text()))
    assert passed, f"{caller.name} passes options to {script_name}"
    assert passed <= parsed, f"options not handled by the script: {sorted(passed - parsed)}"


def test_script_rejects_unknown_options() -> None:
    result = subprocess.run(
        ["bash", str(BOOTSTRAP_DIR / "alluxio-bootstrap.sh"), "--no-such-option", "x"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"},
    )
    assert result.returncode != 0
    assert "usage:" in result.stderr
