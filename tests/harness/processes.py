# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The processes of a test session, read from /proc (Linux).

ansible-core runs each task's worker in a session of its own (setsid), so signalling the process group
of ansible-playbook reaches the main process only: the worker and the module it runs carry on. A run is
therefore killed as a tree, found by parent pid: every process below ansible-playbook is stopped
(SIGSTOP, so none forks or is reparented meanwhile), then all of them get SIGKILL.

Every process a test session starts inherits SESSION_VARIABLE from it (tests/conftest.py sets it);
`leftovers()` finds those of them still running that a test should have ended.
"""

from __future__ import annotations

import collections
import os
import re
import signal
import time
import uuid

SESSION_VARIABLE = "TESTPRESS_TEST_SESSION"
# What a test may leave behind: ansible-playbook (its workers are forks with the same command line), a
# module it runs, the simulator's command line.
LEFTOVER_COMMANDS = re.compile(r"ansible-playbook|ansible[-_]test|AnsiballZ_|tests/simulator")


def session_marker():
    """This session's marker in the environment (set once: pytest-xdist workers inherit the controller's)."""
    return os.environ.setdefault(SESSION_VARIABLE, uuid.uuid4().hex)


def _stat(pid):
    """(parent pid, state letter, start time) of a process, or None once it is gone."""
    try:
        with open("/proc/%d/stat" % pid, encoding="utf-8", errors="replace") as handle:
            data = handle.read()
    except OSError:
        return None
    fields = data[data.rindex(")") + 2:].split()
    return int(fields[1]), fields[0], int(fields[19])


def _running(pid, started):
    """True while the process `pid` that started at `started` runs (a zombie has ended)."""
    stat = _stat(pid)
    return stat is not None and stat[2] == started and stat[1] not in "ZX"


def command_line(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _tree(root):
    """{pid: start time} of `root` and every process below it, by parent pid."""
    children, starts = collections.defaultdict(list), {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            stat = _stat(int(name))
            if stat is not None:
                children[stat[0]].append(int(name))
                starts[int(name)] = stat[2]
    if root not in starts:
        return {}
    tree, todo = {root: starts[root]}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in tree:
                tree[child] = starts[child]
                todo.append(child)
    return tree


def _signal(pid, signum):
    try:
        os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def kill_tree(root):
    """SIGKILL `root` and every process below it, in whatever session each runs. Returns {pid: (start time,
    command line)} of the processes killed (the command line read while they were stopped)."""
    tree = {}
    while True:
        found = {pid: started for pid, started in _tree(root).items() if pid not in tree}
        if not found:
            break
        for pid in found:
            _signal(pid, signal.SIGSTOP)
        tree.update(found)
    killed = {pid: (started, command_line(pid)) for pid, started in tree.items()}
    for pid in tree:
        _signal(pid, signal.SIGKILL)
    return killed


def survivors(killed, wait=5.0):
    """{pid: command line} of the processes of `killed` (kill_tree's answer) still running after up to `wait` s."""
    deadline = time.monotonic() + wait
    while True:
        alive = {pid: command for pid, (started, command) in killed.items() if _running(pid, started)}
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


def leftovers(marker, wait=5.0):
    """{pid: command line} of the processes of the session `marker` still running after up to `wait` seconds
    that a test should have ended (LEFTOVER_COMMANDS); this process and its ancestors aside."""
    mine = {os.getpid()}
    pid = os.getpid()
    while pid > 1:
        stat = _stat(pid)
        pid = stat[0] if stat else 1
        mine.add(pid)
    needle = ("%s=%s" % (SESSION_VARIABLE, marker)).encode()
    deadline = time.monotonic() + wait
    while True:
        found = {}
        for name in os.listdir("/proc"):
            if not name.isdigit() or int(name) in mine:
                continue
            try:
                with open("/proc/%s/environ" % name, "rb") as handle:
                    if needle not in handle.read().split(b"\0"):
                        continue
            except OSError:
                continue
            command = command_line(int(name))
            stat = _stat(int(name))
            if stat is not None and stat[1] not in "ZX" and LEFTOVER_COMMANDS.search(command):
                found[int(name)] = command
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)
