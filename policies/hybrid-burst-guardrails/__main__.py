"""Entry point: the CLI runs ``python -u -m pulumi.policy <engine-address> .`` here, which runs this file."""

from hybrid_burst_guardrails.pack import serve

serve()
