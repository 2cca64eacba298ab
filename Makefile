# Quick start: `make demo` (fits the bundled cameraman) and `make test` (the whole test suite).
# Both set everything up first (a virtual environment in .venv).
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup demo test bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml scripts/setup.sh
	bash scripts/setup.sh $(VENV)

demo: setup
	$(VENV)/bin/torchsiren fit image

test: setup  # one process per core, at most 8 (on a GPU machine the GPU tests run too)
	$(PY) -m pytest -q -n auto --maxprocesses 8 tests

bench: setup
	mkdir -p benchmarks/results/new
	$(VENV)/bin/torchsiren bench --quick --out benchmarks/results/new/bench_quick_cpu.json

clean:
	rm -rf $(VENV) runs
