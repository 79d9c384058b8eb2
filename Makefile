# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast tour check bench soak system-run system-test clean

run: system-run $(STAMP)
	$(BIN)/kiosk run

test: system-test $(STAMP)
	env -u DISPLAY -u WAYLAND_DISPLAY $(BIN)/python -m pytest $(PYTEST_ARGS)

# The inner loop: every test but those marked slow (separate processes, kills, the tour, the soak).
test-fast: system-test $(STAMP)
	env -u DISPLAY -u WAYLAND_DISPLAY $(BIN)/python -m pytest -m 'not slow' $(PYTEST_ARGS)

# Every screen in both orientations by touch; pictures and index in test-artifacts/tour/.
tour: system-test $(STAMP)
	env -u DISPLAY -u WAYLAND_DISPLAY $(BIN)/python -m tests.tour

bench: system-test $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

# The real kiosk under seeded random touches (SOAK_MINUTES, default 10; SOAK_SEED to replay), then idle: one table.
soak: system-test $(STAMP)
	env -u DISPLAY -u WAYLAND_DISPLAY $(BIN)/python -m benchmarks.soak \
	  $(if $(SOAK_MINUTES),--minutes $(SOAK_MINUTES)) $(if $(SOAK_SEED),--seed $(SOAK_SEED)) $(SOAK_ARGS)

# Every check, as CI runs it: the formatter, the linter (with import order), strict types, then the tests.
check: system-test $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	env -u DISPLAY -u WAYLAND_DISPLAY $(BIN)/python -m pytest $(PYTEST_ARGS)

system-run:
	@PYTHON=$(PYTHON) scripts/debian-packages run

system-test:
	@PYTHON=$(PYTHON) scripts/debian-packages test

# A set-up that fails part way removes what it made, so the next run starts clean.
$(STAMP): pyproject.toml
	@$(BIN)/python -c 'import sys' >/dev/null 2>&1 || rm -rf $(VENV)
	@{ [ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV); } \
	  && $(BIN)/python -m pip install --quiet --upgrade pip \
	  && $(BIN)/python -m pip install --quiet -e '.[dev]' \
	  && touch $(STAMP) \
	  || { echo "Setting up $(VENV) failed; removed it so the next run starts clean." >&2; rm -rf $(VENV); exit 1; }

clean:
	rm -rf $(VENV) build *.egg-info
