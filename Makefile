# Everyday commands. `make run` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format bench eval bootstrap clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet --group dev
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m api --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# The measured figures (README, "Measured"): prints a table, writes bench/results.json.
bench: $(STAMP)
	$(BIN)/python -m bench

# Answer quality per category (README, "Answer quality"): writes bench/eval.json. The offline
# responder answers unless TWIN_MODEL_ID names a Bedrock model and AWS credentials exist.
eval: $(STAMP)
	$(BIN)/python -m bench.eval

# One-time, per AWS account: state bucket, secrets key, GitHub OIDC provider.
bootstrap: $(STAMP)
	$(BIN)/python -m infra.bootstrap --region "$(REGION)" --github-repo "$(REPO)"

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .twin build .pytest_cache .ruff_cache
