# One entry point for users and CI. `make demo` and `make test` work on a fresh machine
# with Python 3.11 and make; system packages the tests need are installed here too.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo test order-check mutants lint typecheck bench clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

# nats-server is a Debian package; the JetStream tests run it for real.
system-deps:
	@command -v nats-server >/dev/null 2>&1 || test -x /usr/sbin/nats-server || { \
		echo "installing nats-server (Debian package)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nats-server >/dev/null; }
	@# the walkthrough scripts' test signs with curl + openssl, as a user of them would
	@{ command -v curl && command -v openssl; } >/dev/null 2>&1 || { \
		echo "installing curl and openssl (Debian packages)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq curl openssl >/dev/null; }
	@# the console's browser tests drive Debian's chromium through Playwright (no browser download)
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || { \
		echo "installing chromium (Debian package)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The default scenario on SQLite peers; a re-run starts from a clean out/demo.
demo: $(VENV)/.installed
	rm -rf out/demo
	$(BIN)/agriledger run season --db-dir out/demo/peers --report out/demo/report

test: $(VENV)/.dev-installed system-deps
	$(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)
	$(BIN)/python tests/order_check.py

# The derandomized machines draw the same runs after every test module is imported and
# in reverse order (so the deep-state tests' verdict does not depend on test order).
order-check: $(VENV)/.dev-installed
	$(BIN)/python tests/order_check.py

# Planted bugs per built-in contract, each run against the contract's tests (minutes
# per contract; not part of `make test`). `make mutants MUTANTS=settlement` for one.
MUTANTS ?=
mutants: $(VENV)/.dev-installed
	$(BIN)/python tests/mutants.py $(MUTANTS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check ledger contracts nodes api scenarios tests bench
	$(BIN)/mypy

bench: $(VENV)/.installed
	$(BIN)/python bench/append.py
	$(BIN)/agriledger bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
