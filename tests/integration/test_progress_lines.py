# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Progress lines on the console while a long testpress_roster or testpress_user_info task runs.

One playbook run of three tasks, with a line every INTERVAL seconds (TESTPRESS_PROGRESS_INTERVAL) and each task
held to twice that by the simulator's delay on each account's own calls (a floor, so never shorter however fast the
machine): an apply, a check-mode audit, and an export with ``progress: false``. The login and the pages of the user
list are not delayed, so each task is in the phase it counts well before its first line. The first two print lines,
the third none; the status file the lines come from is private while it exists and gone afterwards, even with
Ansible told to keep its temporary files.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from ansible_collections.testpress.lms.plugins.module_utils._progress import STATUS_FILE

STUDENTS = 40
# Seconds between lines (the first after as long).
INTERVAL = 5
# Seconds per call of an account (its create, its course grant or list): 80 writes at concurrency 2, or 40 reads at
# concurrency 1, take at least 6 s.
DELAY = 0.15
LABEL = r'testpress_(roster|user_info) \[localhost\]: '
APPLYING = re.compile(r'^testpress_roster \[localhost\]: applying: [\d,]+ of %d accounts, \d+ failed'
                      r'(, about (\d+ min )?\d+ s left)?$' % STUDENTS)
READING = re.compile(r'^testpress_roster \[localhost\]: reading: [\d,]+ of %d batch and course lists'
                     r'(, about (\d+ min )?\d+ s left)?$' % STUDENTS)


def roster(course):
    return [{'username': 'progress-%03d' % number, 'first_name': 'Progress', 'last_name': str(number),
             'courses': [course]} for number in range(STUDENTS)]


def lines_of(run, task):
    """The progress lines printed under the task's header."""
    return [line for line in run.output_of(task).splitlines() if re.match(LABEL, line)]


@pytest.mark.core_matrix
def test_long_tasks_print_progress_lines_and_progress_false_none(simulator, run_playbook, tmp_path):
    remote_tmp = tmp_path / 'remote'
    modes = set()
    polls = [0]

    def watch_status_files():
        """Polled while the run goes on; records the mode of every status file seen, and never kills."""
        polls[0] += 1
        if polls[0] % 10 == 0:
            for path in remote_tmp.glob('ansible-tmp-*/%s' % STATUS_FILE):
                try:
                    modes.add(stat.S_IMODE(path.lstat().st_mode))
                except OSError:
                    pass  # removed between the glob and the look
        return False

    simulator.inject(delay=DELAY, times=None, method='POST', path='/api/v2.5/admin/users/')
    simulator.inject(delay=DELAY, times=None, path='/api/v2.5/admin/users/*/courses/')
    run = run_playbook([
        {'name': 'apply', 'testpress.lms.testpress_roster': {
            'users': roster('Course 01'), 'auto_generate_password': True, 'concurrency': 2}, 'register': 'applied'},
        {'name': 'audit', 'check_mode': True, 'testpress.lms.testpress_roster': {
            'users': roster('Course 02'), 'concurrency': 1}},
        {'name': 'export', 'testpress.lms.testpress_user_info': {
            'search': 'progress-', 'include': ['courses'], 'concurrency': 1, 'progress': False}},
    ], env={'ANSIBLE_REMOTE_TMP': remote_tmp, 'ANSIBLE_KEEP_REMOTE_FILES': '1', 'TESTPRESS_PROGRESS_INTERVAL': INTERVAL},
        kill_when=watch_status_files)
    assert run.rc == 0, run.stdout

    applying, reading = lines_of(run, 'apply'), lines_of(run, 'audit')
    assert applying and all(APPLYING.match(line) for line in applying), applying
    assert reading and all(READING.match(line) for line in reading), reading
    assert lines_of(run, 'export') == []

    # The results are what the modules return: the progress is on the console only.
    assert run.result('apply')['summary']['created'] == STUDENTS
    assert run.result('audit')['summary']['updated'] == STUDENTS and run.result('export')['count'] == STUDENTS
    # The apply's creates and course grants, and nothing from the check-mode audit or the export.
    assert [entry['method'] for entry in run.writes] == ['POST'] * (2 * STUDENTS)

    # Private while it existed, and gone: Ansible kept its temporary directories, the status files are not there.
    assert modes == {0o600}
    kept = list(remote_tmp.glob('ansible-tmp-*'))
    assert kept and not [path for path in kept if (Path(path) / STATUS_FILE).exists()]
