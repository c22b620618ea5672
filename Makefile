# testpress.lms — developer and CI entry points. Needs python3 (3.11), Python 3.12 for the ansible-core 2.21 leg
# (python3.12 on PATH or in pyenv) and GNU make.
#   make demo    run the demo playbook twice against the API simulator (second run: changed=0)
#   make test    unit + integration (pytest), the ansible-core 2.16/2.21 legs, lint (ansible-lint production),
#                sanity (ansible-test 2.19 and 2.16), build + galaxy-importer
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV ?= .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.requirements.stamp
PYTEST_ARGS ?=
# tests/unit mirrors plugins/; tests/integration runs playbooks; docs, packaging and the harness are checked apart.
UNIT_DIRS := tests/unit tests/simulator/tests
PLAYBOOK_DIRS := tests/integration tests/docs tests/packaging tests/harness
TEST_DIRS := $(UNIT_DIRS) $(PLAYBOOK_DIRS)
# pytest-xdist workers (each gets its own simulator); 0 = run in this process, one test at a time.
PYTEST_WORKERS ?= auto
PYTEST := "$(BIN)/python" -m pytest -p no:cacheprovider -n $(PYTEST_WORKERS) --durations=10

# Every tool comes from the venv; child processes (ansible-playbook, ansible-test) too.
export PATH := $(BIN):$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export ANSIBLE_NOCOLOR := 1
export PYTHONDONTWRITEBYTECODE := 1
# The working tree's collection only, whatever is installed in ~/.ansible/collections (Ansible's default path): an
# empty directory in its place. ansible-lint then checks the copy of this tree it installs under .ansible/, pytest
# puts the tree first (tests/conftest.py), sanity runs on a copy of it and the demo on its build (.build/collections).
NO_COLLECTIONS := $(CURDIR)/.build/no-collections
export ANSIBLE_COLLECTIONS_PATH := $(NO_COLLECTIONS)
$(shell mkdir -p "$(NO_COLLECTIONS)")

# The other ansible-core releases the collection supports (meta/runtime.yml: 2.16 and newer), each with the Python
# it runs on: the oldest (what Automation Platform 2.4/2.5 execution environments ship) and the newest. Each leg has
# its venv in .build/core-<version> (scripts/pinned_venv.sh, from requirements-core-<version>.txt) and runs the tests
# marked core_matrix (pytest.ini); the main venv's 2.19 runs the whole suite.
CORE_LEGS := 2.16 2.21
CORE_PYTHON_2.16 := 3.11
CORE_PYTHON_2.21 := 3.12
CORE_TESTS := $(addprefix test-core-,$(CORE_LEGS))
# ansible-test sanity's rules differ by release: make test also runs the oldest supported one's. Each leg has a
# sanity-core-<version> target; 2.21's (stricter shellcheck) is left out of make test for its cost (~3 CPU-min cold).
SANITY_CORES := 2.16
CORE_SANITY := $(addprefix sanity-core-,$(CORE_LEGS))

.PHONY: help venv demo test unit integration pytest reliability reliability-docs lint sanity docs build ee bench bench-large crash-loop changelog clean distclean
.PHONY: test-cores pytest-checked $(CORE_TESTS) $(CORE_SANITY)

help:
	@echo "make demo         start the simulator, provision, export, audit, drift, apply, audit: the GitOps story, every step checked"
	@echo "make test         pytest (every test directory), the ansible-core legs, lint, sanity (2.19, 2.16),"
	@echo "                  build + galaxy-importer (what CI runs)"
	@echo "make pytest       pytest $(TEST_DIRS) in one run"
	@echo "make unit         pytest $(UNIT_DIRS) (pure logic, the simulator's own tests)"
	@echo "make integration  pytest $(PLAYBOOK_DIRS) (real ansible-playbook runs, docs, packaging, the harness)"
	@echo "make test-cores   the core_matrix tests on ansible-core $(CORE_LEGS) (each in its venv under .build/)"
	@echo "make reliability  check docs/reliability.md against the last pytest run (reliability-docs rewrites it)"
	@echo "make lint         ansible-lint (production profile) + antsibull-changelog lint"
	@echo "make sanity       ansible-test sanity --python 3.11 on a physical copy of the collection"
	@echo "make sanity-core-2.16  the same with ansible-core 2.16's ansible-test (sanity-core-2.21: 2.21's, on Python 3.12)"
	@echo "make bench-large  the roster at 1,000, 10,000 and 100,000 students, concurrency 16 and 32 (hours; not in make test)"
	@echo "make crash-loop   kill testpress_roster 5 times while it creates 2,000 students; the rerun must converge"
	@echo "make bench        benchmark testpress_roster against per-student loops (20 ms latency) and under the API's throttle (prints tables)"
	@echo "make docs         write the field table's copies in the docs (scripts/field_docs.py), render the module reference into docs/modules"
	@echo "make build        build the collection artifact into .build/dist (tracked files only), then galaxy-importer over it"
	@echo "make ee           make build, then write the execution environment's build context into .build/ee"
	@echo "make venv         create/refresh .venv from requirements-test.txt (ansible-core as constraints.txt pins it)"
	@echo "make clean        remove build output (keeps .venv); make distclean removes .venv too"

venv: $(STAMP)

$(STAMP): requirements.txt requirements-test.txt constraints.txt
	@if [[ ! -x "$(BIN)/python" ]]; then echo "== creating $(VENV)"; $(PYTHON) -m venv "$(VENV)"; fi
	"$(BIN)/python" -m pip install -q --upgrade pip
	"$(BIN)/python" -m pip install -q -r requirements-test.txt
	@touch "$@"

demo: venv
	scripts/demo.sh

# make test runs its parts side by side (TEST_JOBS at once): pytest's playbook runs wait on the simulator and on
# timers much of the time, and the other parts fill those gaps. Each part's output is printed whole when it ends
# (--output-sync), and a failed part does not stop the others (--keep-going); the pinned venvs are made once,
# while .venv is made. The last line gives the wall time.
TEST_JOBS ?= 4
TEST_PARTS := pytest-checked test-cores lint sanity $(addprefix sanity-core-,$(SANITY_CORES)) build
test:
	@start=$$(date +%s); status=0; \
	$(MAKE) --no-print-directory --keep-going -j$(TEST_JOBS) --output-sync=target $(TEST_PARTS) || status=$$?; \
	seconds=$$(( $$(date +%s) - start )); \
	echo "== make test: $$( (( status )) && echo FAILED || echo all passed ) in $$(( seconds / 60 )) min $$(( seconds % 60 )) s"; \
	exit $$status

# pytest, then the reliability table checked against its run.
pytest-checked: pytest
	$(RELIABILITY) --check docs/reliability.md

# pytest exits 5 when it collected nothing: that is not a pass. PYTEST_ARGS="-k name" selects tests.
unit: venv
	$(PYTEST) $(UNIT_DIRS) $(PYTEST_ARGS)

integration: venv
	$(PYTEST) $(PLAYBOOK_DIRS) $(PYTEST_ARGS)

# The JUnit XML feeds docs/reliability.md's table (scripts/reliability_report.py).
pytest: venv
	@mkdir -p .build
	$(PYTEST) --junitxml=.build/junit.xml $(TEST_DIRS) $(PYTEST_ARGS)

test-cores: $(CORE_TESTS)

# Each pinned venv (scripts/pinned_venv.sh: made, or refreshed when its requirements changed) is one target, so
# that the parts using it (a leg and its sanity run) make it once between them.
PINNED_VENVS := $(addprefix core-,$(CORE_LEGS)) galaxy-importer
PINNED_PYTHON_galaxy-importer := 3.11
$(foreach leg,$(CORE_LEGS),$(eval PINNED_PYTHON_core-$(leg) := $(CORE_PYTHON_$(leg))))
.PHONY: $(addprefix pinned-,$(PINNED_VENVS))
$(addprefix pinned-,$(PINNED_VENVS)): pinned-%:
	scripts/pinned_venv.sh $* $(PINNED_PYTHON_$*) >/dev/null

# pytest stays in the main venv; the plays run with the leg's ansible-playbook and Python (TESTPRESS_ANSIBLE_BIN).
$(CORE_TESTS): test-core-%: venv pinned-core-%
	@echo "== ansible-core $* leg (Python $(CORE_PYTHON_$*))"
	TESTPRESS_ANSIBLE_BIN="$(CURDIR)/.build/core-$*/bin" TESTPRESS_ANSIBLE_CORE=$* $(PYTEST) -m core_matrix tests/integration $(PYTEST_ARGS)

RELIABILITY := python3 scripts/reliability_report.py .build/junit.xml
reliability:
	$(RELIABILITY) --check docs/reliability.md

reliability-docs:
	$(RELIABILITY) --write docs/reliability.md

lint: venv
	antsibull-changelog lint
	ansible-lint $$([[ -t 1 ]] || echo --nocolor) $(LINT_ARGS)

sanity: venv
	scripts/sanity.sh $(SANITY_ARGS)

# The leg's bin first on PATH: ansible-test's --python is then the leg's venv.
$(CORE_SANITY): sanity-core-%: venv pinned-core-%
	bin="$(CURDIR)/.build/core-$*/bin"; \
	PATH="$$bin:$$PATH" ANSIBLE_TEST="$$bin/ansible-test" SANITY_PYTHON=$(CORE_PYTHON_$*) scripts/sanity.sh $(SANITY_ARGS)

# Figures, not a pass/fail: BENCH_ARGS="--sizes 1000" for a shorter run.
bench: venv
	"$(BIN)/python" tests/bench/bench_roster.py $(BENCH_ARGS)
	"$(BIN)/python" tests/bench/bench_throttle.py $(BENCH_THROTTLE_ARGS)

# 100,000 students (not in make test: it runs for hours at 20 ms a call): create, no-op and audit at 1,000, 10,000 and
# 100,000, at concurrency 16 and 32, with the peak memory of the module and of the controller.
bench-large: venv
	"$(BIN)/python" tests/bench/bench_roster.py --only sizes --sizes 1000,10000,100000 --concurrency 16,32 \
		--expires 2031-03-31 $(BENCH_ARGS)

# The long form of tests/integration/test_crash_resume.py (its short form runs in make test).
crash-loop: venv
	TESTPRESS_CRASH_STUDENTS=2000 TESTPRESS_CRASH_KILLS=5 $(PYTEST) tests/integration/test_crash_resume.py -n 0

# The tarball from the files git tracks (git add a new file first), then galaxy-importer over it.
build: venv pinned-galaxy-importer
	scripts/build.sh
	scripts/galaxy_importer.sh

# The copies of the user field table in the docs first (scripts/field_docs.py), then the module reference.
docs: venv
	python3 scripts/field_docs.py
	scripts/docs.sh

# The EE installs the tarball of `make build`; build the image with: podman build -t testpress-lms-ee .build/ee
ee: build
	ansible-builder create -f execution-environment.yml -c .build/ee

changelog: venv
	antsibull-changelog release

clean:
	rm -rf .build .ansible tests/output .pytest_cache
	find . -name __pycache__ -type d -not -path './$(VENV)/*' -prune -exec rm -rf {} +

distclean: clean
	rm -rf "$(VENV)"
