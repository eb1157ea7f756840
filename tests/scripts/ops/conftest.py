"""A real AWS API emulator for the operations scripts: moto's server on a free local port, one per session.

Tests talk to it with ordinary boto3 clients (``endpoint_url`` + fake credentials), exactly as the scripts do
against AWS. The emulator is not reset between tests (moto rebuilds its EC2 backends on reset, seconds each);
every test creates its own uniquely named resources instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer

from scripts.ops.aws import ClientFactory, client_factory

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    saved = {k: os.environ.get(k) for k in FAKE_ENV}
    os.environ.update(FAKE_ENV)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def aws(moto_url: str) -> ClientFactory:
    """boto3 clients against the session's emulator."""
    return client_factory(endpoint_url=moto_url)
