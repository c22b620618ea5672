# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Progress lines on the controller while a long module runs, without a callback plugin.

The module keeps a small status file of counts in the task's temporary directory (``module_utils/_progress``);
while Ansible runs the module as it always does, a thread of the action plugin reads that file every
``INTERVAL`` seconds (or as the controller's ``TESTPRESS_PROGRESS_INTERVAL`` says: ``interval_setting``), once
the task has run that long, and prints one line through Ansible's display, which a worker process hands to the
controller's console, so that ``ansible-runner`` (AWX, Automation Platform) puts it in the job's output as well::

    testpress_roster [localhost]: applying: 3,412 of 10,000 accounts, 2 failed, about 1 min 10 s left

The module's result is untouched. The file is read where the module runs on the controller (a local
connection); ``ProgressWatch.removes`` the file when the module ends, whatever became of it.
"""

from __future__ import annotations

import json
import math
import os
import threading
import time

# A line every this many seconds, the first once the task has run this long.
INTERVAL = 10.0
# The controller's environment variable that sets another interval (seconds), and the least it takes: the module
# rewrites its status file at most once a second, so a shorter interval would print the same counts again.
INTERVAL_ENV = 'TESTPRESS_PROGRESS_INTERVAL'
MIN_INTERVAL = 1.0


def interval_setting(environ, warn):
    """The interval ``environ`` (the controller's environment) sets in INTERVAL_ENV, or INTERVAL when it sets none;
    a value that is not a number of seconds of at least MIN_INTERVAL is ``warn``ed of, and INTERVAL taken (progress
    lines never fail a task)."""
    value = environ.get(INTERVAL_ENV, '').strip()
    if not value:
        return INTERVAL
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
    if seconds is None or not math.isfinite(seconds) or seconds < MIN_INTERVAL:
        warn('%s=%r is not a number of seconds of at least %g: progress lines every %g s'
             % (INTERVAL_ENV, value, MIN_INTERVAL, INTERVAL))
        return INTERVAL
    return seconds


def duration(seconds):
    """``40 s``, ``1 min 10 s`` (to 10 s above a minute), ``2 h 5 min``."""
    seconds = int(round(seconds))
    if seconds < 60:
        return '%d s' % seconds
    if seconds < 3600:
        minutes, rest = divmod(int(round(seconds / 10.0)) * 10, 60)
        return '%d min %d s' % (minutes, rest) if rest else '%d min' % minutes
    hours, rest = divmod(int(round(seconds / 60.0)), 60)
    return '%d h %d min' % (hours, rest) if rest else '%d h' % hours


def _count(value):
    return '{0:,}'.format(value)


def progress_line(label, status, now, elapsed):
    """The line for ``status`` (what the module wrote, or None before it wrote anything) at ``now`` (seconds
    since the epoch), the task having run ``elapsed`` seconds."""
    if not status:
        return '%s: running for %s, nothing counted yet' % (label, duration(elapsed))
    done, total = status['done'], status['total']
    line = '%s: %s: %s of %s %s' % (label, status['phase'], _count(done), _count(total), status['unit'])
    if 'failed' in status:
        line += ', %s failed' % _count(status['failed'])
    spent = now - status['started']
    if 0 < done < total and spent > 0:
        line += ', about %s left' % duration(spent * (total - done) / done)
    return line


def read_status(path):
    """The status the module last wrote, or None (not written yet, or gone)."""
    try:
        with open(path, encoding='utf-8') as handle:
            status = json.load(handle)
    except (OSError, ValueError):
        return None
    wanted = {'phase': str, 'unit': str, 'done': int, 'total': int, 'started': (int, float)}
    if not isinstance(status, dict) or not all(isinstance(status.get(key), kind) for key, kind in wanted.items()):
        return None
    return status


class ProgressWatch:
    """A context: while it is open, ``show(line)`` every ``interval`` seconds from ``path``'s status; on
    leaving, the thread stops and ``path`` is removed."""

    def __init__(self, path, label, show, interval=INTERVAL, clock=time.monotonic, wall=time.time):
        self.path = path
        self.label = label
        self.show = show
        self.interval = interval
        self.clock = clock
        self.wall = wall
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name='testpress-progress', daemon=True)
        self.lines = 0

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def _run(self):
        start = self.clock()
        due = start + self.interval
        seen = False
        while not self._stop.wait(max(0.0, due - self.clock())):
            due += self.interval
            status = read_status(self.path)
            if status is None and seen:
                # The module has ended (it removes its counts) and its result is on its way: no line saying
                # that nothing is counted yet.
                continue
            seen = status is not None
            self.show(progress_line(self.label, status, self.wall(), self.clock() - start))
            self.lines += 1
