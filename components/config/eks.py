"""``hybrid-burst:eks``: filled in by the issue that builds this part of the platform."""

from __future__ import annotations

from typing import Any

from .types import StrictModel


class EksConfig(StrictModel):
    pass


PRESETS: dict[str, dict[str, Any]] = {"dev": {}, "staging": {}, "prod": {}}
