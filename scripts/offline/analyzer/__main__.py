"""``python -m scripts.offline.analyzer RECORDS --pack DIR --stack S --config FILE``: a pack over saved records."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import load_records, run_pack


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run a policy pack over recorded resources (Analyzer protocol).")
    parser.add_argument("records", type=Path, help="JSON list of recorded resources (RECORD_FORMAT.md)")
    parser.add_argument("--pack", type=Path, default=Path("policies/hybrid-burst-guardrails"))
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--config", type=Path, default=None, help="--policy-pack-config file")
    parser.add_argument("--update", action="store_true", help="PULUMI_DRY_RUN=false (default: preview)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    result = run_pack(
        args.pack, load_records(args.records), config_file=args.config, stack=args.stack, dry_run=not args.update
    )
    print(json.dumps(result.to_dict(), indent=2) if args.json else result.summary())
    return 1 if result.mandatory_violations() else 0


if __name__ == "__main__":
    sys.exit(main())
