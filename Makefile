# Two commands matter: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export DAGSTER_HOME := $(CURDIR)
export DAGSTER_TELEMETRY_DISABLED := 1
export GX_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

BROWSER_PACKAGES := chromium chromium-driver fonts-wqy-zenhei
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test ui serve clean browser

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

demo: install
	$(PY) -m pipelines.demo_run

# Headless Chromium for the browser tests; without root apt-get those tests skip with a reason.
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null \
	  || echo "warning: could not install $(BROWSER_PACKAGES); browser tests will be skipped"; \
	else echo "note: no root apt-get; browser tests will be skipped (install $(BROWSER_PACKAGES))"; fi

test: install browser
	$(PY) -m pytest -q

ui: install
	$(VENV)/bin/dagster dev -h 127.0.0.1 -p 3000

serve: install
	$(VENV)/bin/feedback serve --host $(HOST) --port $(PORT)

clean:
	rm -rf var
