# clinicbot: make setup | run | test | bench   (see README.md)
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL := models/clinicbot.tar.gz
WIDGET := widget/dist/clinicbot-widget.js
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 2
export LOG_LEVEL := WARNING

.PHONY: help setup run test bench lint unit rasa-validate rasa-stories e2e train clean constraints widget

setup: $(STAMP) $(WIDGET)

help:
	@echo "make run      set up, train if needed, start the stack on 127.0.0.1 (Ctrl-C stops it)"
	@echo "make test     the whole suite, as CI runs it (.ci/run)"
	@echo "make setup    only the virtualenv and the widget's bundle"
	@echo "make train    the Rasa model and the red-flag second opinion, when their inputs changed"
	@echo "make lint     ruff, mypy and the import contracts (lint-imports)"
	@echo "make unit     the unit tests (no stack)"
	@echo "make e2e      the end-to-end tests against a stack of their own"
	@echo "make bench    the measurements: a table and var/bench.json (python -m bench SECTION for one)"
	@echo "make clean    remove the virtualenv, models, results and the widget's build"

$(STAMP): pyproject.toml constraints.txt
	@PY=$$(scripts/find-python310) || exit 1; \
	  [ -x $(BIN)/python ] || $$PY -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check "pip<24.1" "setuptools<70" wheel
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e ".[dev]"
	$(BIN)/python -m pip check
	scripts/ensure-chromium
	@touch $(STAMP)

# The website widget: one bundle with socket.io-client (npm ci from the lockfile, then esbuild).
widget: $(WIDGET)
$(WIDGET): widget/package.json widget/package-lock.json $(wildcard widget/src/*)
	@command -v npm >/dev/null || { echo "npm (Node.js 18+) is needed to build the website widget" >&2; exit 1; }
	cd widget && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build

# Trains only when config, domain or training data changed (Rasa's fingerprint check); the red-flag
# second opinion (clinicbot/nlp/second_opinion.py) when its paraphrases or code changed.
SECOND_OPINION := models/second_opinion.json
train: $(MODEL) $(SECOND_OPINION)
$(SECOND_OPINION): $(STAMP) clinicbot/nlp/data/paraphrases.yml data/nlu/describe_symptoms.yml clinicbot/nlp/second_opinion.py clinicbot/nlp/script.py
	$(BIN)/python -m clinicbot.nlp.second_opinion train $@
$(MODEL): $(STAMP) config.yml domain.yml $(wildcard data/*.yml data/nlu/*.yml) $(shell find clinicbot/nlp clinicbot/rasa_nlu -name '*.py' -o -name '*.yml') clinicbot/vocabulary.py clinicbot/data/vocabulary.yml
	$(BIN)/rasa train --fixed-model-name clinicbot --out models --quiet

run: $(STAMP) $(MODEL) $(SECOND_OPINION) $(WIDGET)
	scripts/run-stack

lint: $(STAMP)
	$(BIN)/ruff check clinicbot actions tests bench
	$(BIN)/mypy clinicbot actions
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest -q tests --ignore=tests/e2e

rasa-validate: $(STAMP)
	$(BIN)/rasa data validate --fail-on-warnings --quiet

rasa-stories: $(MODEL)
	$(BIN)/rasa test core --model $(MODEL) --stories tests/test_stories.yml --fail-on-prediction-errors --out var/results --quiet

# The end-to-end tests run on their own databases under var/test/, made afresh.
E2E_ENV := DATABASE_URL=sqlite:///$(CURDIR)/var/test/clinicbot.db TRACKER_STORE_URL=sqlite:///$(CURDIR)/var/test/tracker.db
e2e: $(MODEL) $(SECOND_OPINION) $(WIDGET)
	rm -rf var/test && mkdir -p var/test
	$(E2E_ENV) scripts/with-stack $(BIN)/pytest -q tests/e2e

test: setup lint unit rasa-validate train rasa-stories e2e

bench: $(MODEL) $(SECOND_OPINION) $(WIDGET)
	scripts/with-stack $(BIN)/python -m bench

constraints:
	{ head -2 constraints.txt; $(BIN)/python -m pip freeze --exclude-editable | grep -v '^clinicbot'; } > constraints.tmp
	mv constraints.tmp constraints.txt

clean:
	rm -rf $(VENV) models var/results widget/node_modules widget/dist
