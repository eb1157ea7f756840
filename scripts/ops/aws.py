"""boto3 client factory shared by the operations scripts (one place to point them at an emulator)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

# Bounded calls: a wrong endpoint or a black-holed network fails within about a minute instead of hanging, and
# throttling is retried a little (botocore's "standard" retry mode).
CLIENT_CONFIG = Config(connect_timeout=10, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"})

ClientFactory = Callable[[str, str], Any]
"""``factory(service, region) -> boto3 client``."""


def client_factory(endpoint_url: str | None = None, profile: str | None = None) -> ClientFactory:
    """boto3 clients per (service, region), cached; ``endpoint_url`` points every client at one endpoint (an
    emulator such as moto's server) and is otherwise left to boto3's resolution."""
    session = boto3.session.Session(profile_name=profile)
    cache: dict[tuple[str, str], Any] = {}

    def factory(service: str, region: str) -> Any:
        key = (service, region)
        if key not in cache:
            cache[key] = session.client(service, region_name=region, endpoint_url=endpoint_url, config=CLIENT_CONFIG)
        return cache[key]

    return factory


def read_outputs(path: str) -> dict[str, Any]:
    """Stack outputs as written by ``pulumi stack output --json`` (``-`` reads stdin)."""
    text = sys.stdin.read() if path == "-" else Path(path).read_text()
    data = json.loads(text)
    if not isinstance(data, dict):
        raise TypeError(f"{path}: expected a JSON object of stack outputs")
    return data
