# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The harness's process control: a run killed as a whole tree (sessions of its own included), and the
end-of-suite check that finds a process a test left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from ansible_collections.testpress.lms.tests.harness.processes import SESSION_VARIABLE, kill_tree, leftovers, survivors

# A parent whose child leaves for a session of its own (as ansible-core's task workers do), and whose
# grandchild sleeps: the shape of ansible-playbook -> worker -> module. Prints the two pids below it.
TREE = """
import os, sys, time
child = os.fork()
if child == 0:
    os.setsid()
    grandchild = os.fork()
    if grandchild == 0:
        time.sleep(60)
        os._exit(0)
    print(os.getpid(), grandchild, flush=True)
    time.sleep(60)
    os._exit(0)
time.sleep(60)
"""


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid, encoding="utf-8") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] not in "ZX"
    except OSError:
        return False


def test_a_kill_of_the_process_group_misses_a_worker_in_its_own_session():
    with subprocess.Popen([sys.executable, "-c", TREE], stdout=subprocess.PIPE, text=True, start_new_session=True) as root:
        worker, module = map(int, root.stdout.readline().split())
        try:
            os.killpg(root.pid, signal.SIGKILL)
            root.wait()
            time.sleep(0.2)
            assert _alive(worker) and _alive(module)          # what the crash test used to leave running
        finally:
            for pid in (worker, module):
                os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while (_alive(worker) or _alive(module)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(worker) and not _alive(module)


def test_kill_tree_kills_every_process_below_the_root_in_any_session():
    with subprocess.Popen([sys.executable, "-c", TREE], stdout=subprocess.PIPE, text=True, start_new_session=True) as root:
        worker, module = map(int, root.stdout.readline().split())
        killed = kill_tree(root.pid)
        root.wait()
    assert set(killed) == {root.pid, worker, module}
    assert survivors(killed) == {}
    assert not _alive(worker) and not _alive(module)


def test_the_end_of_suite_check_finds_a_process_left_behind_and_only_this_sessions():
    marker = os.environ[SESSION_VARIABLE]
    command = ["bash", "-c", "exec -a ansible-playbook-left-behind sleep 60"]
    ours = subprocess.Popen(command)
    theirs = subprocess.Popen(command, env=dict(os.environ, **{SESSION_VARIABLE: "another-session"}))
    try:
        time.sleep(0.2)
        found = leftovers(marker, wait=0)
        assert ours.pid in found and "ansible-playbook-left-behind" in found[ours.pid]
        assert theirs.pid not in found
    finally:
        for proc in (ours, theirs):
            proc.kill()
            proc.wait()
    assert ours.pid not in leftovers(marker, wait=2)
