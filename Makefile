# Two commands matter: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export DAGSTER_HOME := $(CURDIR)
export DAGSTER_TELEMETRY_DISABLED := 1
export GX_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install demo test ui serve clean

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

demo: install
	$(PY) -m pipelines.demo_run

test: install
	$(PY) -m pytest -q

ui: install
	$(VENV)/bin/dagster dev -h 127.0.0.1 -p 3000

serve: install
	$(VENV)/bin/feedback serve

clean:
	rm -rf var
