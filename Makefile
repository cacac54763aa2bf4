# Huimin: `make run` serves the demo site group, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat requirements/dev.lock pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=
# Parallel test workers (pytest-xdist): `auto` is one per core; `PYTEST_WORKERS=0` runs in one process.
PYTEST_WORKERS ?= auto
# The clock of `make test-moved`: libfaketime's offset from the machine's clock (+400d, -90d, +36h ...).
CLOCK_OFFSET ?= +400d
LIBFAKETIME ?= $(firstword $(wildcard /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1))

.PHONY: install run serve test test-moved lint format worker clean screenshots

install: $(STAMP)

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing dependencies into $(VENV) ..."
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

run: install
	$(BIN)/huimin migrate --noinput
	$(BIN)/huimin loaddemo --port $(PORT)
	@$(MAKE) --no-print-directory serve

# Serve with one background task worker beside the development server; both stop together.
serve:
	@mkdir -p var
	@$(BIN)/huimin db_worker --queue-name '*' --no-reload >> var/worker.log 2>&1 & \
	  worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  echo "Task worker running (pid $$worker, log var/worker.log). Serving on http://127.0.0.1:$(PORT)/"; \
	  $(BIN)/huimin runserver --insecure 127.0.0.1:$(PORT)

worker: install
	$(BIN)/huimin db_worker --queue-name '*'

test: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The whole suite with the clock of every process moved by CLOCK_OFFSET (CI's SQLite run; third-party servers
# the tests start leave libfaketime out, layout/servers.server_env): a
# test that reads today's date instead of pinning its clock fails here. `MOVED_MARKS="not browser"` leaves
# the browser tests out (their server's clock is pinned to DEMO_NOW, and
# core/tests/test_browser_tests_read_no_clock.py refuses any wall-clock read on their pytest side).
MOVED_MARKS ?=
test-moved: install
	@test -n "$(LIBFAKETIME)" || { echo "libfaketime not found: apt-get install faketime"; exit 2; }
	@echo "Running the suite with the clock moved $(CLOCK_OFFSET): $$(FAKETIME='$(CLOCK_OFFSET)' LD_PRELOAD=$(LIBFAKETIME) date -R)"
	FAKETIME="$(CLOCK_OFFSET)" LD_PRELOAD="$(LIBFAKETIME)" \
	  $(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal $(if $(MOVED_MARKS),-m "$(MOVED_MARKS)") $(PYTEST_ARGS)

# Refresh the pictures in docs/screenshots.md and docs/accessibility.md from a real browser.
screenshots: install
	HUIMIN_SCREENSHOTS_DIR=docs/screenshots HUIMIN_REQUIRE_BROWSER=1 $(BIN)/pytest -q -p no:xdist \
	  huimin/demo/tests/test_product_screenshots_browser.py huimin/accessibility/tests/test_screenshots_browser.py \
	  huimin/assessment/tests/test_sheet_admin_browser.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
