"""Architecture decision records: one number per decision, the file name and the title agree, references resolve."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADR_DIR = ROOT / "docs" / "adr"
ADRS = sorted(ADR_DIR.glob("[0-9][0-9][0-9][0-9]-*.md"))
REFERENCE = re.compile(r"docs/adr/(\d{4}-[\w.-]+?\.md)")


def test_every_adr_has_its_own_number() -> None:
    numbers = Counter(p.name[:4] for p in ADRS)
    assert ADRS
    assert [n for n, count in numbers.items() if count > 1] == [], "two ADRs share a number: renumber the newer one"


def test_each_adr_title_carries_its_file_number() -> None:
    for path in ADRS:
        title = path.read_text(encoding="utf-8").splitlines()[0]
        assert title.startswith(f"# {path.name[:4]}"), f"{path.name}: title {title!r}"


def test_references_to_adrs_name_existing_files() -> None:
    names = {p.name for p in ADRS}
    sources = [*ROOT.glob("*.md"), *(ROOT / "docs").rglob("*.md"), *(ROOT / "components").rglob("*.py"),
               *(ROOT / "stack").glob("*.py"), *(ROOT / "scripts").rglob("*.py"),
               *(ROOT / "policies" / "hybrid-burst-guardrails").glob("*.md"),
               *(ROOT / "policies" / "hybrid-burst-guardrails" / "hybrid_burst_guardrails").rglob("*.py")]
    missing = {
        f"{src.relative_to(ROOT)}: {ref}"
        for src in sources
        for ref in REFERENCE.findall(src.read_text(encoding="utf-8"))
        if ref not in names
    }
    assert not missing, sorted(missing)
