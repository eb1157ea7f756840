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


def test_configuration_reference_reads_attribute_docstrings_from_the_source() -> None:
    """The models do not ask pydantic for attribute docstrings (a runtime cost); gen_docs reads them itself."""
    from components.config.network import NetworkSide

    assert NetworkSide.model_fields["az_count"].description is None
    row = next(r for r in gen_docs.configuration_md().splitlines() if "`hybrid-burst:network.onprem.azCount`" in r)
    assert row.endswith("so more AZs means more capacity pools to choose from. |")
    assert "Number of AZs with a private subnet. Default: 3." in row
