# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared pytest setup for the testpress.lms collection.

1. Makes `ansible_collections.testpress.lms` importable (and findable by `ansible-playbook` subprocesses)
   without installing the collection: a temporary `<tmp>/ansible_collections/testpress/lms` symlink to the
   repo root, `<tmp>` first on sys.path and in ANSIBLE_COLLECTIONS_PATH. `COLLECTIONS_ROOT` is `<tmp>`.
   When the repo already lives at `.../ansible_collections/testpress/lms` (ansible-test), that tree is used.
2. Marks every process the session starts (SESSION_MARKER in the environment) and fails the run when a test
   left one behind (pytest_sessionfinish).
3. Fixtures:
   - `simulator`: the Testpress API simulator (the `tests/simulator` package), one server per session,
     reset to its seed (state, log, faults, config) before each test.
   - `sim_env`: TESTPRESS_URL / TESTPRESS_USERNAME / TESTPRESS_PASSWORD for the simulator's admin.
   - `run_playbook`, `run_playbook_shared`, `module_examples`, `trap_users`: the playbook harness
     (tests/harness/playbook.py).
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

if REPO_ROOT.parts[-3:] == ("ansible_collections", "testpress", "lms"):
    COLLECTIONS_ROOT = str(REPO_ROOT.parents[2])
else:
    COLLECTIONS_ROOT = tempfile.mkdtemp(prefix="testpress-lms-collections-")
    os.makedirs(os.path.join(COLLECTIONS_ROOT, "ansible_collections", "testpress"))
    os.symlink(REPO_ROOT, os.path.join(COLLECTIONS_ROOT, "ansible_collections", "testpress", "lms"))
    atexit.register(shutil.rmtree, COLLECTIONS_ROOT, True)

if COLLECTIONS_ROOT not in sys.path:
    sys.path.insert(0, COLLECTIONS_ROOT)
os.environ["ANSIBLE_COLLECTIONS_PATH"] = os.pathsep.join(
    p for p in (COLLECTIONS_ROOT, os.environ.get("ANSIBLE_COLLECTIONS_PATH")) if p)

from ansible_collections.testpress.lms.tests.harness import ADMIN_PASSWORD, ADMIN_USERNAME  # noqa: E402
# The playbook harness's fixtures, offered to every test directory.
from ansible_collections.testpress.lms.tests.harness.playbook import (  # noqa: E402,F401 pylint: disable=unused-import
    _collections_root,
    module_examples,
    run_playbook,
    run_playbook_shared,
    trap_users,
)
from ansible_collections.testpress.lms.tests.harness.processes import leftovers, session_marker  # noqa: E402
from ansible_collections.testpress.lms.tests.simulator import Simulator  # noqa: E402

# Every process this session starts (ansible-playbook, its workers and modules, simulators) carries the marker.
SESSION_MARKER = session_marker()


@pytest.fixture(scope="session")
def _simulator_server():
    sim = Simulator().start()
    yield sim
    sim.stop()


@pytest.fixture
def simulator(_simulator_server):
    """The running simulator, reset to the default seed (tests/simulator/seed.yml)."""
    _simulator_server.reset()
    return _simulator_server


@pytest.fixture
def sim_env(simulator):
    """Environment variables pointing the collection's modules at the simulator as its admin."""
    return {"TESTPRESS_URL": simulator.url, "TESTPRESS_USERNAME": ADMIN_USERNAME, "TESTPRESS_PASSWORD": ADMIN_PASSWORD}


def pytest_collection_modifyitems(items):
    """The tests marked ``long`` first, in their order: pytest-xdist hands out the rest as its workers free up, so
    the short ones fill the gaps and the run does not end on a long one started late."""
    items.sort(key=lambda item: item.get_closest_marker('long') is None)


def pytest_sessionfinish(session):
    """Fail the run when a test left a process behind (an ansible-playbook, a worker or module of one, a
    simulator): each is named, then ended. Checked once, in the process that runs (or shares out) the tests."""
    if hasattr(session.config, "workerinput"):
        return
    left = leftovers(SESSION_MARKER)
    if not left:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    message = "processes left behind by the tests (now killed):\n" + "\n".join(
        "  pid %d: %s" % (pid, command[:200]) for pid, command in sorted(left.items()))
    if reporter is not None:
        reporter.ensure_newline()
        reporter.write_line(message, red=True)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
