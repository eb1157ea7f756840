"""The scale benchmark's generated config is a valid stack config of the requested size (recorded by the benchmark,
not here: a 1,000-resource recording takes seconds)."""

from __future__ import annotations

from bench.scale_config import PER_DATABASE, PER_TABLE, TABLES_PER_DATABASE, databases_for, scale_config
from components.config import load_stack_config
from components.config.lake_presets import PRESETS
from scripts.offline.recorder import read_stack_config


def test_no_generated_lake_below_the_stack_size() -> None:
    assert scale_config(100) == read_stack_config("dev")


def test_the_generated_lake_validates_and_keeps_the_presets_catalog() -> None:
    cfg = load_stack_config(scale_config(1000), stack="dev")
    names = [d.name for d in cfg.lake.databases]
    preset = [d["name"] for d in PRESETS["dev"]["databases"]]
    assert names[: len(preset)] == preset
    generated = names[len(preset) :]
    assert len(generated) == databases_for(1000) > 0
    assert all(len(cfg.lake.database(n).tables) == TABLES_PER_DATABASE for n in generated)
    grants = [g for g in cfg.lake.grants if g.database in generated]
    assert len(grants) == len(generated) * (1 + 2 * TABLES_PER_DATABASE)


def test_databases_grow_linearly_with_the_target() -> None:
    per_db = PER_DATABASE + TABLES_PER_DATABASE * PER_TABLE
    assert databases_for(5000) - databases_for(1000) == round(4000 / per_db)
