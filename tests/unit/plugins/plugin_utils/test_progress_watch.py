# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""plugin_utils/_progress: the line printed from a status, and the thread that prints one every interval."""

from __future__ import annotations

import threading

import pytest

from ansible_collections.testpress.lms.plugins.module_utils._progress import STATUS_FILE, Progress
from ansible_collections.testpress.lms.plugins.plugin_utils._progress import (
    INTERVAL,
    ProgressWatch,
    duration,
    interval_setting,
    progress_line,
    read_status,
)

LABEL = 'testpress_roster [localhost]'


@pytest.mark.parametrize('seconds, text', [(0.4, '0 s'), (42, '42 s'), (70, '1 min 10 s'), (64, '1 min'),
                                           (3599, '60 min'), (7500, '2 h 5 min'), (7200, '2 h')])
def test_durations_read_as_a_person_says_them(seconds, text):
    assert duration(seconds) == text


def test_the_line_of_an_apply_counts_failures_and_the_time_left():
    status = {'phase': 'applying', 'unit': 'accounts', 'done': 3412, 'total': 10000, 'failed': 2, 'started': 100.0}
    # 3,412 accounts in 36 s: the 6,588 left take about 70 s at that pace.
    assert progress_line(LABEL, status, 136.0, 50) == ('testpress_roster [localhost]: applying: 3,412 of 10,000 accounts, '
                                                       '2 failed, about 1 min 10 s left')


def test_the_line_of_a_read_before_and_after_its_first_count():
    status = {'phase': 'reading', 'unit': 'pages', 'done': 0, 'total': 500, 'started': 100.0}
    assert progress_line(LABEL, status, 110.0, 12) == 'testpress_roster [localhost]: reading: 0 of 500 pages'
    status['done'] = 240
    assert progress_line(LABEL, status, 112.0, 12) == 'testpress_roster [localhost]: reading: 240 of 500 pages, about 13 s left'
    assert progress_line(LABEL, None, 112.0, 20.2) == 'testpress_roster [localhost]: running for 20 s, nothing counted yet'


@pytest.mark.parametrize('value, seconds', [(None, INTERVAL), ('', INTERVAL), (' 2.5 ', 2.5), ('1', 1.0), ('60', 60.0)])
def test_the_controller_s_environment_sets_the_interval(value, seconds):
    warnings = []
    environ = {} if value is None else {'TESTPRESS_PROGRESS_INTERVAL': value}
    assert interval_setting(environ, warnings.append) == seconds and warnings == []


@pytest.mark.parametrize('value', ['0.5', '0', '-3', 'ten', 'nan', 'inf'])
def test_a_bad_interval_is_warned_of_and_the_default_taken(value):
    warnings = []
    assert interval_setting({'TESTPRESS_PROGRESS_INTERVAL': value}, warnings.append) == INTERVAL
    assert warnings == ["TESTPRESS_PROGRESS_INTERVAL=%r is not a number of seconds of at least 1: "
                        "progress lines every 10 s" % value]


def test_a_missing_or_foreign_status_reads_as_none(tmp_path):
    path = tmp_path / STATUS_FILE
    assert read_status(str(path)) is None
    path.write_text('{"phase": "reading"')
    assert read_status(str(path)) is None
    path.write_text('{"phase": "reading", "unit": "pages", "done": "2", "total": 3, "started": 1}')
    assert read_status(str(path)) is None


def test_the_watch_prints_every_interval_what_the_module_wrote_and_removes_the_file(tmp_path):
    path = str(tmp_path / STATUS_FILE)
    progress = Progress(path, every=0)
    progress.phase('applying', 4, 'accounts', counts_failures=True)
    lines, shown = [], threading.Event()

    def show(line):
        lines.append(line)
        if len(lines) == 2:
            shown.set()

    with ProgressWatch(path, LABEL, show, interval=0.05) as watch:
        progress.advance(failed=1)
        assert shown.wait(10)
    assert lines[0].startswith('testpress_roster [localhost]: applying: 1 of 4 accounts, 1 failed')
    assert watch.lines >= 2
    count = watch.lines
    assert not (tmp_path / STATUS_FILE).exists()
    threading.Event().wait(0.15)
    assert watch.lines == count  # the thread stopped with the module


def test_no_line_says_nothing_is_counted_once_the_module_has_removed_its_counts(tmp_path):
    """Between the module's end (it removes its status file) and its result reaching the action plugin, the watch
    prints no "nothing counted yet" line: there were counts, the task is ending."""
    path = str(tmp_path / STATUS_FILE)
    progress = Progress(path, every=0)
    lines, shown = [], threading.Event()

    def show(line):
        lines.append(line)
        shown.set()

    with ProgressWatch(path, LABEL, show, interval=0.05):
        progress.phase('applying', 4, 'accounts', counts_failures=True)
        assert shown.wait(10)
        progress.close()
        threading.Event().wait(0.3)
    assert lines and not [line for line in lines if 'nothing counted yet' in line], lines
