# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test check bench system-run system-test clean

run: system-run $(STAMP)
	$(BIN)/kiosk run

test: system-test $(STAMP)
	env -u DISPLAY -u WAYLAND_DISPLAY $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: system-test $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

check: test

system-run:
	@scripts/debian-packages run

system-test:
	@scripts/debian-packages test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info
