# Pantau — the two commands: `make run` (set up + main job on the embedded default) and
# `make test` (set up, system packages included, + the whole test suite). `.ci/run` calls `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup system run test bench clean lock

setup: $(STAMP)

# Installs exactly the locked versions (hash-checked), then Pantau itself without resolving
# anything. pip keeps its download cache in ~/.cache/pip, outside the clone, so a fresh clone on
# the same machine (CI) reuses what an earlier run downloaded.
$(STAMP): requirements-test.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-test.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Re-resolve the locks after changing dependencies in pyproject.toml (needs the package
# registry): requirements.lock is what the Docker image installs (no test packages),
# requirements-test.lock adds the test extra on top of the same versions.
LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --quiet
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv
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

# The long versions of the reliability and security tests: ≥ 20 kill -9 per command, many more
# fuzz examples per parser (a few minutes each; not part of `make test`'s bounded runs).
.PHONY: fuzz
fuzz: setup
	PANTAU_CRASH_KILLS=24 PANTAU_FUZZ_EXAMPLES=2000 PANTAU_SCHEMATHESIS_EXAMPLES=200 \
		$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/reliability tests/security
