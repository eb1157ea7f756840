"""The generated reference docs match the code (regenerate with ``python scripts/gen_docs.py``)."""

from __future__ import annotations

from scripts import gen_docs


def test_generated_docs_are_fresh() -> None:
    assert gen_docs.main(["--check"]) == 0, "docs are stale: run python scripts/gen_docs.py and commit"


def test_configuration_reference_lists_every_section_and_key_kind() -> None:
    text = gen_docs.configuration_md()
    for section in ("regions", "network", "emr", "lake", "observability", "eks"):
        assert f"## `hybrid-burst:{section}`" in text
    assert "`hybrid-burst:network.compute.cidr` | str | **required**" in text
    assert "`hybrid-burst:network.onprem.azCount` | int | `3` | `2` / `2` / `2`" in text


def test_component_reference_has_inputs_and_outputs_of_the_network() -> None:
    text = gen_docs.components_md()
    assert "## `RegionalNetwork` (components/network/regional_network.py)" in text
    assert "| `private_subnet_cidrs` | `Sequence[str]` | **required** |" in text
    assert "| `peering_connection_id` | `pulumi.Output[str]` |" in text
