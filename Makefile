# Quick start: `make demo` (fits the bundled cameraman) and `make test` (the whole test suite).
# Both set everything up first (a virtual environment in .venv).
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup demo test test-gpu bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml scripts/setup.sh
	bash scripts/setup.sh $(VENV)

demo: setup
	$(VENV)/bin/torchsiren fit image

test: setup
	$(PY) -m pytest -q tests

test-gpu: setup  # the suite on a CUDA machine, 8 processes (each Triton kernel compiled once per shape)
	$(PY) -m pytest -q -n 8 tests

bench: setup
	mkdir -p benchmarks/results/new
	$(VENV)/bin/torchsiren bench --quick --out benchmarks/results/new/bench_quick_cpu.json

clean:
	rm -rf $(VENV) runs
