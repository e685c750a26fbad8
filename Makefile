# Two commands matter: `make test` (correctness, lint) and `make bench` (the main job).
# Both create .venv and install the project into it on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CUDA_STAMP := $(VENV)/.installed-cuda
# the lesson extra (nbconvert for the HTML page), on top of the test install
LESSON_STAMP := $(VENV)/.installed-lesson

.PHONY: venv torch order-check rerun-check test bench bench-full bench-gpu bench-pyperf readme lesson clean

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
	$(PY) -m pytest --benchmark-disable
	# the full preset's float32 and d = 1000 cases, once each at n = 10
	$(PY) -m pytest bench/test_step.py bench/test_reference.py --preset full \
		--benchmark-disable -k "n10-" -q
	# numba_cuda in Numba's CUDA simulator (read at import: a run of its own)
	NUMBA_ENABLE_CUDASIM=1 $(PY) -m pytest tests_cuda -q

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
# results/pyperf-default/. Taken in turn with pytest-benchmark, one implementation
# at a time (run A, pyperf, pyperf in the default state, run B), so that the
# machine's drift over minutes does not pass for a difference between the harnesses
# -> results/harness-check/ (pytest-a.json, pytest-b.json, compare.md) and the
# README's line between its markers (python -m bench harness-check).
bench-pyperf: $(STAMP)
	$(PY) -m bench harness-check --preset quick --readme README.md
	$(PY) -m pyperf compare_to results/pyperf/numpy.json results/pyperf/numba.json --table

# Order check: a few cases timed alone, each pass in a fresh process of its own,
# against the same cases inside the quick grid -> results/order-check/. The
# machine's speed drifts over the half hour a check takes, so the grid is timed
# between the two runs of the cases alone: fresh 1 (results/order-check/bench.json),
# then the quick grid (grid.json, its time stamp kept), then fresh 2
# (fresh-2/bench.json); a drift then puts the grid between them, not outside. With
# the allocator and collector states fixed (bench/allocator.py, bench/collector.py)
# the grid should agree with them within 10 %. python -m bench compare sets fresh 1
# against the grid (compare.md); python -m bench order-check reads both against it
# -> order.md and the README's line between its markers: a case whose fresh runs
# differ among themselves as much as from the grid is not moved by the order.
ORDER_SIZES := --size 100000x1 --size 100000x10 --size 10000x100
# The runs go to a folder of their own first, and replace results/order-check/ only
# once all three are done and the check accepts them: a run that fails, or runs
# the check refuses, leave the committed check whole.
ORDER_NEW := results/order-check.new
order-check: $(STAMP)
	rm -rf $(ORDER_NEW)
	$(PY) -m bench run $(ORDER_SIZES) --out $(ORDER_NEW) -- -k "not test_first_call"
	$(PY) -m bench run --preset quick --out $(ORDER_NEW)/grid
	cp -p $(ORDER_NEW)/grid/bench.json $(ORDER_NEW)/grid.json
	rm -r $(ORDER_NEW)/grid
	$(PY) -m bench run $(ORDER_SIZES) --out $(ORDER_NEW)/fresh-2 -- -k "not test_first_call"
	find $(ORDER_NEW)/fresh-2 -type f ! -name bench.json -delete
	$(PY) -m bench order-check $(ORDER_NEW)/grid.json $(ORDER_NEW)/bench.json \
		$(ORDER_NEW)/fresh-2/bench.json > /dev/null
	rm -rf results/order-check
	mv $(ORDER_NEW) results/order-check
	$(PY) -m bench compare results/order-check/grid.json results/order-check/bench.json \
		--out results/order-check/compare.md
	$(PY) -m bench order-check results/order-check/grid.json results/order-check/bench.json \
		results/order-check/fresh-2/bench.json \
		--out results/order-check/order.md --readme README.md

# Rerun check: the quick grid twice more, right after make bench, set against it ->
# results/rerun-check/ (first.json: make bench's run, its time stamp kept;
# bench.json: the second; third.json: the third; compare.md) and the README's line
# between its markers. Nothing changed between the runs but the minutes: what
# compare flags is the machine, with two runs (the second against the first) and
# with three (against the first and the third: compare --base-again), the
# python -m bench rerun-check figures. Staged as the order check's runs are.
RERUN_NEW := results/rerun-check.new
rerun-check: $(STAMP)
	@test -f results/quick/bench.json || { echo "rerun-check: run make bench first"; exit 1; }
	rm -rf $(RERUN_NEW)
	$(PY) -m bench run --preset quick --out $(RERUN_NEW)
	find $(RERUN_NEW) -type f ! -name bench.json -delete
	$(PY) -m bench run --preset quick --out $(RERUN_NEW)/third
	cp -p $(RERUN_NEW)/third/bench.json $(RERUN_NEW)/third.json
	rm -r $(RERUN_NEW)/third
	cp -p results/quick/bench.json $(RERUN_NEW)/first.json
	$(PY) -m bench rerun-check $(RERUN_NEW)/first.json $(RERUN_NEW)/bench.json \
		$(RERUN_NEW)/third.json > /dev/null
	rm -rf results/rerun-check
	mv $(RERUN_NEW) results/rerun-check
	$(PY) -m bench rerun-check results/rerun-check/first.json results/rerun-check/bench.json \
		results/rerun-check/third.json --out results/rerun-check/compare.md --readme README.md

# Regenerate results/full's tables and the README's report blocks from the JSON
readme: $(STAMP)
	$(PY) -m bench report --input results/full/bench.json \
		--pyperf results/pyperf results/pyperf-default \
		--harness-run results/harness-check/pytest-a.json --readme README.md

# Execute the lesson notebook on this machine -> results/lesson/lesson.html and
# lesson/lesson.ipynb, the executed notebook committed from the reference machine
lesson: $(LESSON_STAMP)
	$(PY) -m lesson --out results/lesson/lesson.html --ipynb lesson/lesson.ipynb

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .benchmarks
	find . -path ./.git -prune -o -name "*.nb[ic]" -exec rm -f {} +
