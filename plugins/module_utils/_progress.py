# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a long task has done so far, for the progress lines the action plugin prints on the controller.

The engines (``_roster``, ``_export``, the client's page reads) are handed a reporter and tell it the phase
they are in (``phase('applying', 10000, 'accounts')``) and each item done (``advance()``); they know
nothing else of it. ``Progress`` writes the counts, and nothing but counts, to a small status file in the
task's own temporary directory (``STATUS_FILE``, private, replaced whole at most once a second), which
``plugin_utils/_progress.py`` reads while the module runs; ``close()`` removes it. ``SILENT`` is the
reporter of a task without progress: every call does nothing.
"""

from __future__ import annotations

import json
import os
import threading
import time

from ansible_collections.testpress.lms.plugins.module_utils._files import PrivateFileError, write_private

# The status file's name in the task's temporary directory; the action plugin looks for it there.
STATUS_FILE = 'testpress-progress.json'
# The status file is rewritten at most this often (seconds); a phase's start is written at once.
WRITE_EVERY = 1.0


def progress_argument_spec():
    """The ``progress`` option, documented once in the ``testpress.lms.progress`` doc fragment."""
    return {'progress': {'type': 'bool', 'default': True}}


class Silent:
    """The reporter of a task that shows no progress."""

    def phase(self, name, total, unit, counts_failures=False, done=0):
        pass

    def advance(self, done=1, failed=0):
        pass

    def counted(self, func):
        """``func``, each call of it an item done (``advance``)."""
        return func

    def close(self):
        pass


SILENT = Silent()


class Progress(Silent):
    """Counts of the current phase, written to ``path`` as JSON: ``phase``, ``unit``, ``done``, ``total``,
    ``started`` (the phase's start, seconds since the epoch) and, for a phase whose items can fail,
    ``failed``. Safe to call from every worker of a pool. A status that cannot be written is skipped:
    progress never fails a task."""

    def __init__(self, path, every=WRITE_EVERY, clock=time.time):
        self.path = path
        self.every = every
        self.clock = clock
        self._lock = threading.Lock()
        self._status = None
        self._written = None

    def phase(self, name, total, unit, counts_failures=False, done=0):
        with self._lock:
            self._status = {'phase': name, 'unit': unit, 'done': done, 'total': total, 'started': self.clock()}
            if counts_failures:
                self._status['failed'] = 0
            self._write()

    def advance(self, done=1, failed=0):
        with self._lock:
            if self._status is None:
                return
            self._status['done'] += done
            if failed:
                self._status['failed'] = self._status.get('failed', 0) + failed
            if self.clock() - self._written >= self.every:
                self._write()

    def counted(self, func):
        def call(*args):
            answer = func(*args)
            self.advance()
            return answer
        return call

    def _write(self):
        self._written = self.clock()
        try:
            write_private(self.path, json.dumps(self._status))
        except PrivateFileError:
            pass  # a full disk must not fail the task it reports on

    def close(self):
        with self._lock:
            self._status = None
            try:
                os.unlink(self.path)
            except OSError:
                pass


def reporter(enabled, tmpdir):
    """A ``Progress`` writing ``STATUS_FILE`` in ``tmpdir`` (the task's temporary directory Ansible made for
    the module), or ``SILENT`` when progress is off or Ansible gave the module no directory of its own."""
    if not enabled or not tmpdir or not os.path.isdir(tmpdir):
        return SILENT
    return Progress(os.path.join(tmpdir, STATUS_FILE))
