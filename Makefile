# Everyday commands; `make help` lists them. `make run` and `make test` work on a fresh machine
# with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
# Two stamps: `make run` needs only what the twin runs with (the `app` dependency group); tests,
# lint, the measurements and deploying add the `dev` group, about ten times the size. The project
# itself (editable, for .venv/bin/twin) goes in with the app group: one pip run, not two.
APP_STAMP := $(VENV)/.installed-app
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run test lint format bench eval bootstrap inbox persona clean

help: ## list these targets
	@echo "usage: make TARGET [NAME=value ...]"
	@awk -F ':.*## ' '/^[a-z][a-z-]*:.*## / { printf "  %-10s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade "pip>=25.1"

$(APP_STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing what the twin runs with into $(VENV) (once):"
	$(PIP) install --progress-bar on --group app --editable .
	touch $@

$(DEV_STAMP): $(APP_STAMP)
	@echo "Installing the test, lint and deploy tools into $(VENV) (once):"
	$(PIP) install --progress-bar on --group dev
	touch $@

install: $(DEV_STAMP) ## everything: the twin, tests, the measurements, Pulumi's program
	@echo "$(VENV) is ready; . $(BIN)/activate puts twin on your PATH"

run: $(APP_STAMP) ## the twin at http://127.0.0.1:8000 (HOST=, PORT= to change)
	$(BIN)/twin run --host $(HOST) --port $(PORT)

test: $(DEV_STAMP) ## ruff and the whole test suite (page tests need Chromium)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Draft a persona folder (from a LinkedIn "Save to PDF" export with FROM=), then check it.
persona: $(APP_STAMP) ## draft a persona: DIR=personas/me [FROM=Profile.pdf] [FORCE=1]
	@test -n "$(DIR)" || { echo 'usage: make persona DIR=my-persona [FROM=Profile.pdf] [FORCE=1]'; exit 2; }
	$(BIN)/twin persona init "$(DIR)" $(if $(FROM),--from "$(FROM)") $(if $(FORCE),--force)
	$(BIN)/twin persona check "$(DIR)"

# The measured figures (docs/measured.md): prints a table, writes .twin/bench/results.json;
# SAVE=1 updates the tracked bench/results.json instead, for a commit.
bench: $(DEV_STAMP) ## measure the package, cold start and page (SAVE=1: into bench/)
	$(BIN)/python -m bench $(if $(SAVE),--save)

# Answer quality per category (docs/measured.md, "Answer quality"): writes
# .twin/bench/eval.json, or with SAVE=1 bench/eval.json. The offline responder answers unless
# TWIN_MODEL_ID names a Bedrock model and AWS credentials exist.
eval: $(APP_STAMP) ## score the twin's answers per category (SAVE=1: into bench/)
	$(BIN)/python -m bench.eval $(if $(SAVE),--save)

# One-time, per AWS account: state bucket, secrets key, GitHub OIDC provider.
bootstrap: $(DEV_STAMP) ## prepare an AWS account once: REGION=... REPO=owner/name
	$(BIN)/twin bootstrap --region "$(REGION)" --github-repo "$(REPO)"

# The owner's inbox: `make inbox` reads the local twin's folder, `make inbox STACK=dev` that stack's
# bucket with your own AWS credentials. More: ARGS='--since 7d', ARGS=stats, ARGS='answer ID "..."'.
inbox: $(APP_STAMP) ## what visitors left: [STACK=dev] [ARGS='--since 7d']
ifdef STACK
	@command -v pulumi >/dev/null || { echo "make inbox: the pulumi CLI is not installed;" \
		"run $(BIN)/twin inbox --bucket NAME instead" >&2; exit 1; }
	@bucket="$$(pulumi stack output memoryBucket --stack '$(STACK)')" && \
		$(BIN)/twin inbox --bucket "$$bucket" $(ARGS)
else
	@$(BIN)/twin inbox $(ARGS)
endif

lint: $(DEV_STAMP) ## ruff
	$(BIN)/ruff check .

format: $(DEV_STAMP) ## ruff's formatter and fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# .twin holds the local twin's conversations and inbox: kept unless asked.
clean: ## remove .venv and build output; keeps .twin (ALL=1 removes it too)
	rm -rf $(VENV) build .pytest_cache .ruff_cache
ifdef ALL
	rm -rf .twin
	@echo "removed .twin too: the local twin's conversations, inbox and bench output"
else
	@echo "kept .twin (the local twin's conversations and inbox); make clean ALL=1 removes it"
endif
