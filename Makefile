# Two entry points: `make run` and `make test`; both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Debian's chromium for browser tests (Playwright cannot download its own browser here).
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: run test setup browser lock bench demo clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# axe-core (accessibility audit) and @etalab/decoupage-administratif (`territory new --epci`),
# pinned with their integrity hashes in package-lock.json.
NPM_FILES := node_modules/axe-core/axe.min.js node_modules/@etalab/decoupage-administratif/data/epci.json
browser:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }
	@for f in $(NPM_FILES); do test -f $$f || { npm ci --no-audit --no-fund --loglevel=error; break; }; done

# Results computed and pages warmed before the server answers (observatoire/ui/server.py).
run: $(STAMP)
	$(PY) -m observatoire serve

test: $(STAMP) browser
	OBSERVATOIRE_REQUIRE_BROWSER=1 $(PY) -m pytest -q

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do $(PY) $$f || exit 1; done

# Regenerate the example territory's committed demonstration data (byte-for-byte reproducible).
demo: $(STAMP)
	$(PY) -m observatoire demo --territory .

# Re-pin the whole dependency tree after changing pyproject.toml.
lock:
	rm -rf /tmp/observatoire-lock && $(PYTHON) -m venv /tmp/observatoire-lock
	/tmp/observatoire-lock/bin/pip install -q --disable-pip-version-check -e '.[test]'
	/tmp/observatoire-lock/bin/pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
