# Everyday commands. `make run` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format bench eval bootstrap inbox persona clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet --group dev
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/twin run --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Draft a persona folder (from a LinkedIn "Save to PDF" export with FROM=), then check it.
persona: $(STAMP)
	@test -n "$(DIR)" || { echo 'usage: make persona DIR=my-persona [FROM=Profile.pdf] [FORCE=1]'; exit 2; }
	$(BIN)/twin persona init "$(DIR)" $(if $(FROM),--from "$(FROM)") $(if $(FORCE),--force)
	$(BIN)/twin persona check "$(DIR)"

# The measured figures (README, "Measured"): prints a table, writes bench/results.json.
bench: $(STAMP)
	$(BIN)/python -m bench

# Answer quality per category (README, "Answer quality"): writes bench/eval.json. The offline
# responder answers unless TWIN_MODEL_ID names a Bedrock model and AWS credentials exist.
eval: $(STAMP)
	$(BIN)/python -m bench.eval

# One-time, per AWS account: state bucket, secrets key, GitHub OIDC provider.
bootstrap: $(STAMP)
	$(BIN)/twin bootstrap --region "$(REGION)" --github-repo "$(REPO)"

# The owner's inbox: `make inbox` reads the local twin's folder, `make inbox STACK=dev` that stack's
# bucket with your own AWS credentials. More: ARGS='--since 7d', ARGS=stats, ARGS='answer ID "..."'.
inbox: $(STAMP)
ifdef STACK
	@command -v pulumi >/dev/null || { echo "make inbox: the pulumi CLI is not installed;" \
		"run $(BIN)/twin inbox --bucket NAME instead" >&2; exit 1; }
	@bucket="$$(pulumi stack output memoryBucket --stack '$(STACK)')" && \
		$(BIN)/twin inbox --bucket "$$bucket" $(ARGS)
else
	@$(BIN)/twin inbox $(ARGS)
endif

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .twin build .pytest_cache .ruff_cache
