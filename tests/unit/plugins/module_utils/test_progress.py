# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_progress: the counts a long task reports, written to a private status file at most once a second."""

from __future__ import annotations

import json
import os
import stat

from ansible_collections.testpress.lms.plugins.module_utils._parallel import in_parallel
from ansible_collections.testpress.lms.plugins.module_utils._progress import SILENT, STATUS_FILE, Progress, reporter


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def status(path):
    with open(path, encoding='utf-8') as handle:
        return json.load(handle)


def test_a_phase_is_written_at_once_and_counts_at_most_once_a_second(tmp_path):
    path, clock = str(tmp_path / STATUS_FILE), Clock()
    progress = Progress(path, clock=clock)
    progress.phase('applying', 10, 'accounts', counts_failures=True)
    assert status(path) == {'phase': 'applying', 'unit': 'accounts', 'done': 0, 'total': 10, 'started': 1000.0, 'failed': 0}
    assert stat.S_IMODE(os.lstat(path).st_mode) == 0o600
    progress.advance()
    progress.advance(failed=1)
    assert status(path)['done'] == 0  # within the second: not rewritten
    clock.now += 1.0
    progress.advance()
    assert (status(path)['done'], status(path)['failed']) == (3, 1)
    progress.close()
    assert not os.path.exists(path)


def test_counted_calls_from_every_worker_are_all_counted(tmp_path):
    path, clock = str(tmp_path / STATUS_FILE), Clock()
    progress = Progress(path, every=0, clock=clock)
    progress.phase('reading', 500, 'pages')
    assert in_parallel(progress.counted(lambda number: number * 2), range(500), 8) == [number * 2 for number in range(500)]
    assert status(path)['done'] == 500 and 'failed' not in status(path)


def test_a_status_that_cannot_be_written_does_not_fail_the_task(tmp_path):
    progress = Progress(str(tmp_path / 'gone' / STATUS_FILE))
    progress.phase('reading', 3, 'pages')
    progress.advance()
    progress.close()


def test_no_reporter_without_the_option_or_a_directory_of_the_task(tmp_path):
    assert reporter(False, str(tmp_path)) is SILENT
    assert reporter(True, None) is SILENT
    assert reporter(True, str(tmp_path / 'missing')) is SILENT
    assert reporter(True, str(tmp_path)).path == str(tmp_path / STATUS_FILE)
    assert SILENT.counted(len) is len
