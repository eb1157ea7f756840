# The two README commands (`make plan`, `make test`) and the lint gate. Each target creates the virtualenv on
# first use (idempotent: a stamp file records that requirements*.txt were installed; editing them reinstalls).
#
#   make plan [STACK=prod]   offline plan + policy check of one stack (default: dev)
#   make plan-all            every stack in stacks/ (imports paid once, one worker per core), with the policy packs
#   make test                the whole test suite (pytest-xdist, 2 workers)
#   make lint                ruff + mypy
#   make venv                only create/refresh the virtualenv and the policy pack's own (make pack-venv)
#   make pack-venv           the policy pack's virtualenv, policies/hybrid-burst-guardrails/venv: PulumiPolicy.yaml
#                            declares `virtualenv: venv` and the Pulumi CLI runs venv/bin/python without creating it
#   make pack-wheel          the policy pack as a wheel in dist/ (offline: flit_core comes from requirements-dev.txt)
#
# VENV=/tmp/venv-ci make test  installs into another directory (CI and install-from-scratch checks).

PYTHON ?= python3
VENV ?= .venv
STACK ?= dev
PYTEST_ARGS ?= -n 2 -q

# The policy pack's own virtualenv (PACK=<dir> builds it for another copy of the pack, e.g. in a test).
PACK ?= policies/hybrid-burst-guardrails
PACK_VENV := $(PACK)/venv
PACK_STAMP := $(PACK_VENV)/.requirements-installed

BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
# Run tools as an activated venv would: its bin/ first on PATH (tests look up shellcheck, check-jsonschema, ...).
IN_VENV := PATH="$(abspath $(BIN)):$$PATH" VIRTUAL_ENV="$(abspath $(VENV))"

.PHONY: venv pack-venv pack-wheel plan plan-all test lint clean-venv

venv: $(STAMP) $(PACK_STAMP)

pack-venv: $(PACK_STAMP)

$(PACK_STAMP): $(PACK)/requirements.txt
	@test -x "$(PACK_VENV)/bin/python" || $(PYTHON) -m venv "$(PACK_VENV)"
	"$(PACK_VENV)/bin/python" -m pip install --disable-pip-version-check --no-input --quiet -r "$(PACK)/requirements.txt"
	@touch "$@"

pack-wheel: $(STAMP)
	"$(BIN)/python" -m pip wheel --disable-pip-version-check --no-input --no-deps --no-build-isolation --no-index \
		--no-cache-dir "$(PACK)" -w dist/

$(STAMP): requirements.txt requirements-dev.txt
	@test -x "$(BIN)/python" || $(PYTHON) -m venv "$(VENV)"
	"$(BIN)/python" -m pip install --disable-pip-version-check --no-input --quiet -r requirements-dev.txt
	@touch "$@"

plan: $(STAMP)
	$(IN_VENV) "$(BIN)/python" scripts/plan.py --stack "$(STACK)" --report "out/plan-{stack}.md"

plan-all: $(STAMP)
	$(IN_VENV) "$(BIN)/python" scripts/plan.py --all --report "out/plan-{stack}.md"

test: $(STAMP)
	$(IN_VENV) "$(BIN)/python" -m pytest $(PYTEST_ARGS)

# mypy runs twice: the program and the policy pack each have a __main__.py (one module name per run).
lint: $(STAMP)
	$(IN_VENV) "$(BIN)/ruff" check .
	$(IN_VENV) "$(BIN)/mypy" __main__.py stack components scripts bench
	cd policies/hybrid-burst-guardrails && $(IN_VENV) "$(abspath $(BIN))/mypy" --config-file ../../pyproject.toml --exclude '^venv/' .

clean-venv:
	rm -rf "$(VENV)" "$(PACK_VENV)"
