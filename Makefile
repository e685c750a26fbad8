# Two commands matter: `make test` (correctness, lint) and `make bench` (the main job).
# Both create .venv and install the project into it on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CUDA_STAMP := $(VENV)/.installed-cuda
# the lesson extra (nbconvert for the HTML page), on top of the test install
LESSON_STAMP := $(VENV)/.installed-lesson

.PHONY: venv torch test bench bench-full bench-gpu bench-pyperf readme lesson lessons clean \
	order-check rerun-check harness-check gaps instructions studies

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[test,plot,peers]'
	touch $(STAMP)

venv: $(STAMP)

$(LESSON_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,plot,peers,lesson]'
	touch $(LESSON_STAMP)

# PyTorch's CPU build, for the torch and torch_compile peers (not in any extra: on
# Linux PyPI's default torch is a CUDA build of several GB). TORCH_PIP names what
# pip installs: on this project's machines torch==2.13.0 is a CPU build; elsewhere
# use the CPU wheel index that PyTorch's install page gives (README, Peers).
TORCH_PIP ?= torch==2.13.0
torch: $(STAMP)
	$(PY) -m pip install --quiet $(TORCH_PIP)
	$(PY) -m bench list

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	# two workers, each test file on one of them (a file's new Numba types compile once)
	$(PY) -m pytest --benchmark-disable -n 2 --dist loadfile
	# the full preset's float32 and d = 1000 cases, once each at n = 10
	$(PY) -m pytest bench/test_step.py bench/test_reference.py --preset full \
		--benchmark-disable -k "n10-" -q
	# numba_cuda in Numba's CUDA simulator (read at import: a run of its own)
	NUMBA_ENABLE_CUDASIM=1 $(PY) -m pytest tests_cuda -q -n 2

# Quick grid with pytest-benchmark -> results/quick/
bench: $(STAMP)
	$(PY) -m bench run --preset quick

# The reference grid -> results/full/
bench-full: $(STAMP)
	$(PY) -m bench run --preset full

# numba_cuda beside the compiled CPU loops on a CUDA GPU -> results/gpu/ (sized for
# about 6 minutes; not yet timed on a GPU). Stops at once, with the reason, where
# there is no GPU.
bench-gpu: $(CUDA_STAMP)
	$(PY) -m bench run --preset gpu

# numba-cuda with the CUDA libraries, installed only once a driver is found
$(CUDA_STAMP): $(STAMP)
	@$(PY) -m bench gpu --driver
	$(PY) -m pip install --quiet -e '.[test,plot,cuda]'
	touch $(CUDA_STAMP)

# The quick grid under pyperf, one JSON per implementation -> results/pyperf/, and
# the steps that allocate per call in glibc's default state too ->
# results/pyperf-default/ ("what the temporaries cost" in pyperf.md)
bench-pyperf: $(STAMP)
	$(PY) -m bench pyperf --preset quick --fast
	$(PY) -m bench pyperf --preset quick --fast --impl numpy jax torch --malloc default
	$(PY) -m pyperf compare_to results/pyperf/numpy.json results/pyperf/numba.json --table

# The lab (lab/): studies of the timing method, each writing its results/ folder
# and its line in docs/timing.md. python -m lab --help says what each one does.
#   order-check: a few cases alone in fresh processes, before and after the quick
#     grid, against the same cases in it -> results/order-check/
#   rerun-check: the quick grid twice more right after make bench -> results/rerun-check/
#   harness-check: pytest-benchmark, pyperf (-> results/pyperf*/) and pytest-benchmark
#     again, in turn per implementation -> results/harness-check/
#   gaps, instructions: the machine's gaps; instructions per cache line (callgrind)
#   studies: the overlap, model-error and disturbed-pass studies of the reference
#     run -> results/lab/studies.md
order-check rerun-check harness-check: $(STAMP)
	$(PY) -m lab $@ --readme docs/timing.md

gaps instructions: $(STAMP)
	$(PY) -m lab $@

studies: $(STAMP)
	$(PY) -m lab studies --input results/full/bench.json --out results/lab

# Regenerate results/full's tables and the README's report blocks from the JSON
readme: $(STAMP)
	$(PY) -m bench report --input results/full/bench.json \
		--pyperf results/pyperf results/pyperf-default --readme README.md
	$(PY) -m lab studies --input results/full/bench.json --out results/lab

# Execute the core lesson on this machine -> results/lesson/lesson.html and
# lesson/lesson.ipynb (the executed notebook, committed); make lessons: every
# notebook of lesson/, one after another -> results/lesson/NAME.html, lesson/NAME.ipynb
lesson: $(LESSON_STAMP)
	$(PY) -m lesson

lessons: $(LESSON_STAMP)
	$(PY) -m lesson --all

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .benchmarks
	find . -path ./.git -prune -o -name "*.nb[ic]" -exec rm -f {} +
