# Pantau — the two commands: `make run` (set up + main job on the embedded default) and
# `make test` (set up, system packages included, + the whole test suite). `.ci/run` calls `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup system run test bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip wheel
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

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
