# Pantau — the two commands: `make run` (set up + main job on the embedded default) and
# `make test` (set up, system packages included, + the whole test suite). `.ci/run` calls `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup system run test bench clean lock translations

setup: $(STAMP)

# Installs exactly the locked versions (hash-checked), then Pantau itself without resolving
# anything. The locked packages are installed by uv, whose cache (~/.cache/uv, outside the
# clone) keeps every downloaded wheel: a fresh clone on the same machine (CI) installs in about
# a second instead of downloading ~200 MB again (pip's own HTTP cache is not kept here).
UV_VERSION := 0.13.9
$(STAMP): requirements-test.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes -r requirements-test.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Re-resolve the locks after changing dependencies in pyproject.toml (needs the package
# registry): requirements.lock is what the Docker image installs (no test packages),
# requirements-test.lock adds the test extra on top of the same versions.
LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --quiet
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	printf 'setuptools>=77\nwheel\n' | $(BIN)/uv pip compile $(LOCK_FLAGS) pyproject.toml - \
		-o requirements.lock
	printf 'setuptools>=77\nwheel\n' | $(BIN)/uv pip compile $(LOCK_FLAGS) pyproject.toml - \
		--extra test -c requirements.lock -o requirements-test.lock

system:
	bash scripts/system-deps.sh

run: setup
	$(BIN)/pantau run

test: system setup
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf var test-artifacts bench/.work

# The README's pictures (docs/img), taken by the browser tests of the three users' views; a plain
# `make test` writes its screenshots to test-artifacts/ and leaves the tracked files alone.
.PHONY: pictures
pictures: system setup
	PANTAU_README_PICTURES=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/webapp/test_pages_views.py

# The long versions of the reliability and security tests: ≥ 20 kill -9 per command, many more
# fuzz examples per parser (a few minutes each; not part of `make test`'s bounded runs).
.PHONY: fuzz
fuzz: setup
	PANTAU_CRASH_KILLS=24 PANTAU_FUZZ_EXAMPLES=2000 PANTAU_SCHEMATHESIS_EXAMPLES=200 \
		$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/reliability tests/security

# The web app's English catalog: extract the strings marked with _() in webapp/ (templates and
# Python), merge them into webapp/translations/en/LC_MESSAGES/messages.po (new ones untranslated:
# fill them in, then run this again) and compile messages.mo. tests/webapp/test_i18n.py fails
# while a string has no translation or the .mo is stale.
translations: setup
	$(BIN)/pybabel extract -F webapp/babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--omit-header -o webapp/translations/messages.pot .
	$(BIN)/pybabel update -i webapp/translations/messages.pot -d webapp/translations -l en \
		--ignore-obsolete --no-fuzzy-matching -w 100
	$(BIN)/pybabel compile -d webapp/translations -l en --statistics
	rm -f webapp/translations/messages.pot
