"""emr.settings: presets validate, bad values fail with the full key and a fix."""

from __future__ import annotations

from typing import Any

import pytest

from components.config import ConfigError, load_stack_config
from components.config.emr_cluster import PRESETS, EmrClusterSettings
from scripts.offline.recorder import read_stack_config

PROD_TLS = {
    "onpremCertificateZipS3Uri": "s3://certs-bucket/emr/onprem.zip",
    "burstCertificateZipS3Uri": "s3://certs-bucket/emr/burst.zip",
}


def _load(stack: str, settings: dict[str, Any] | None = None) -> Any:
    raw = dict(read_stack_config(stack))
    if settings is not None:
        raw["hybrid-burst:emr"] = {"settings": settings}
    return load_stack_config(raw, stack=stack)


@pytest.mark.parametrize("env", ["dev", "staging"])
def test_dev_and_staging_presets_generate_certificates(env: str) -> None:
    settings = EmrClusterSettings.model_validate(PRESETS[env])
    assert settings.tls.generate_self_signed
    assert not settings.termination_protection
    assert 60 <= settings.burst_idle_timeout_seconds <= 604_800


def test_prod_preset_protects_and_brings_certificates() -> None:
    settings = EmrClusterSettings.model_validate({**PRESETS["prod"], "tls": {"generateSelfSigned": False, **PROD_TLS}})
    assert settings.termination_protection
    assert settings.tls.burst_certificate_zip_s3_uri == PROD_TLS["burstCertificateZipS3Uri"]


def test_prod_without_certificate_uri_is_a_config_error_naming_the_key() -> None:
    with pytest.raises(ConfigError) as err:
        _load("prod", {"tls": {"generateSelfSigned": False}})
    assert "hybrid-burst:emr.settings.tls.onpremCertificateZipS3Uri" in err.value.keys
    assert "privateKey.pem" in str(err.value)


def test_prod_with_certificate_uris_loads() -> None:
    cfg = _load("prod", {"tls": PROD_TLS})
    assert cfg.emr.settings.tls.onprem_certificate_zip_s3_uri == PROD_TLS["onpremCertificateZipS3Uri"]
    assert cfg.emr.settings.termination_protection


@pytest.mark.parametrize(
    ("settings", "key"),
    [
        ({"scaling": {"minimumUnits": 100, "maximumUnits": 10}}, "hybrid-burst:emr.settings.scaling.minimumUnits"),
        ({"scaling": {"maximumOnDemandUnits": 1000}}, "hybrid-burst:emr.settings.scaling.maximumOnDemandUnits"),
        ({"burstIdleTimeoutSeconds": 30}, "hybrid-burst:emr.settings.burstIdleTimeoutSeconds"),
        ({"trino": {"lowMemoryKillerDelay": "soon"}}, "hybrid-burst:emr.settings.trino.lowMemoryKillerDelay"),
        ({"trino": {"exchange": "nfs"}}, "hybrid-burst:emr.settings.trino.exchange"),
        ({"engine": "hive"}, "hybrid-burst:emr.settings.engine"),
        ({"alluxio": {"tarballUri": "http://example.com/a.tar.gz"}}, "hybrid-burst:emr.settings.alluxio.tarballUri"),
        ({"alluxio": {"metadataSyncInterval": "often"}}, "hybrid-burst:emr.settings.alluxio.metadataSyncInterval"),
        (
            {"tls": {"burstCertificateZipS3Uri": "https://x/y.zip"}},
            "hybrid-burst:emr.settings.tls.burstCertificateZipS3Uri",
        ),
        ({"onpremDnsZone": "Not A Zone"}, "hybrid-burst:emr.settings.onpremDnsZone"),
        ({"stepConcurrencyLevel": 500}, "hybrid-burst:emr.settings.stepConcurrencyLevel"),
        ({"idleTimeout": 60}, "hybrid-burst:emr.settings.idleTimeout"),
    ],
)
def test_bad_settings_name_the_key(settings: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as err:
        _load("dev", settings)
    assert key in err.value.keys, err.value.keys


def test_metadata_sync_can_be_disabled() -> None:
    cfg = _load("dev", {"alluxio": {"metadataSyncInterval": "-1"}})
    assert cfg.emr.settings.alluxio.metadata_sync_interval == "-1"


def test_hdfs_exchange_needs_emr_6_9() -> None:
    from components.config import ConfigError, load_stack_config

    raw = {
        "hybrid-burst:environment": "dev",
        "hybrid-burst:network": {"onprem": {"cidr": "10.10.0.0/16"}, "compute": {"cidr": "10.20.0.0/16"}},
        "hybrid-burst:accountBaseline": {"ownership": "shared", "accountId": "111111111111"},
        "hybrid-burst:emr": {"releaseLabel": "emr-6.8.0", "settings": {"trino": {"exchange": "hdfs"}}},
    }
    with pytest.raises(ConfigError) as err:
        load_stack_config(raw, stack="dev")
    assert err.value.keys == ["hybrid-burst:emr.settings.trino.exchange"]
    assert "emr-6.9.0" in str(err.value)
    raw["hybrid-burst:emr"]["settings"]["trino"]["exchange"] = "s3"  # type: ignore[index]
    assert load_stack_config(raw, stack="dev").emr.release_label == "emr-6.8.0"
