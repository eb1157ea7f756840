"""Dev tools the tests run (shellcheck, ruff, ...), found through this interpreter's virtualenv first.

The suite must pass with or without ``.venv/bin`` on ``PATH`` (``.venv/bin/python -m pytest`` does not put it there), so
a tool is looked up next to ``sys.executable`` before ``PATH``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def tool(name: str) -> str:
    """A dev tool from this interpreter's virtualenv (requirements-dev.txt), else from PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    assert found, f"{name} is missing: install requirements-dev.txt (make venv)"
    return found
