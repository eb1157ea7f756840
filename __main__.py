"""hybrid-burst: the platform for one stack.

1. Load and validate the stack config and plan the EMR fleets (bad input stops here, before any resource).
2. One explicit provider per region.
3. Compose the platform (``stack/``: sites -> network -> lake -> EMR on EKS -> clusters -> operations).
4. Export the outputs declared in ``stack/outputs.py``.
"""

from __future__ import annotations

from scripts.offline import gc_policy

gc_policy.apply()  # before the SDK imports: the collector policy the plan is measured with (docs/performance.md)

import stack  # noqa: E402
from components.platform.providers import build_providers  # noqa: E402

cfg, fleets = stack.load()
platform = stack.compose(cfg, build_providers(cfg), fleets)
stack.export(platform)
