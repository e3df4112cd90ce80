# Two commands for a newcomer: `make demo` and `make test`.
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)
UV := uv
# The distribution's Python (PGO+LTO) over a slower pyenv/asdf build first on PATH; UV_PYTHON wins.
ifndef UV_PYTHON
FAST_PYTHON := $(shell bash infra/pick-python.sh)
ifneq ($(FAST_PYTHON),)
export UV_PYTHON := $(FAST_PYTHON)
endif
endif
RUN := $(UV) run --frozen

.PHONY: setup demo test test-fast lint format typecheck bench bench-flow

setup:
	@bash infra/setup-machine.sh
	@$(UV) sync --frozen --compile-bytecode --quiet

demo: setup
	$(RUN) rapport demo

# Everything, with line coverage of checks/ and flows/ and its floor (pyproject.toml), in two
# pytest-xdist workers (one per core here): most end-to-end tests wait on servers, so two at once
# take ~6.5 minutes instead of ~10.5. A test module stays on one worker (its fixtures are made once).
PARALLEL := -n 2 --dist loadfile
test: setup
	$(RUN) pytest -q $(PARALLEL) --cov --cov-report=term:skip-covered

# The inner loop: everything but the end-to-end runs (real servers) and the lint/type gates.
test-fast: setup
	$(RUN) pytest -q $(PARALLEL) -m "not e2e" --deselect tests/test_code_quality.py

lint: setup
	$(RUN) ruff check .
	$(RUN) ruff format --check .

format: setup
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

typecheck: setup
	$(RUN) mypy

bench: setup
	$(RUN) python benchmarks/bench_scoring.py
	$(RUN) python benchmarks/bench_render.py

bench-flow: setup
	$(RUN) python benchmarks/bench_flow.py
