# The two README commands (`make plan`, `make test`) and the lint gate. Each target creates the virtualenv on
# first use (idempotent: a stamp file records that requirements*.txt were installed; editing them reinstalls).
#
#   make plan [STACK=prod]   offline plan + policy check of one stack (default: dev)
#   make test                the whole test suite (pytest-xdist, 2 workers)
#   make lint                ruff + mypy
#   make venv                only create/refresh the virtualenv
#
# VENV=/tmp/venv-ci make test  installs into another directory (CI and install-from-scratch checks).

PYTHON ?= python3
VENV ?= .venv
STACK ?= dev
PYTEST_ARGS ?= -n 2 -q

BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
# Run tools as an activated venv would: its bin/ first on PATH (tests look up shellcheck, check-jsonschema, ...).
IN_VENV := PATH="$(abspath $(BIN)):$$PATH" VIRTUAL_ENV="$(abspath $(VENV))"

.PHONY: venv plan test lint clean-venv

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@test -x "$(BIN)/python" || $(PYTHON) -m venv "$(VENV)"
	"$(BIN)/python" -m pip install --disable-pip-version-check --no-input --quiet -r requirements-dev.txt
	@touch "$@"

plan: $(STAMP)
	$(IN_VENV) "$(BIN)/python" scripts/plan.py --stack "$(STACK)" --report "out/plan-{stack}.md"

test: $(STAMP)
	$(IN_VENV) "$(BIN)/python" -m pytest $(PYTEST_ARGS)

# mypy runs twice: the program and the policy pack each have a __main__.py (one module name per run).
lint: $(STAMP)
	$(IN_VENV) "$(BIN)/ruff" check .
	$(IN_VENV) "$(BIN)/mypy" __main__.py stack components scripts bench
	cd policies/hybrid-burst-guardrails && $(IN_VENV) "$(abspath $(BIN))/mypy" --config-file ../../pyproject.toml --exclude '^venv/' .

clean-venv:
	rm -rf "$(VENV)"
