# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Crash and resume: testpress_roster killed at random moments while it creates students at 20 ms per call
(and, in a second test, under the API's rate throttle): SIGKILL to ansible-playbook, the task's worker (in a
session of its own) and the module, none left running. Each rerun picks up where the last one died, and the
last one converges: every student exists once, exactly as declared, nothing lost, and a further run writes
nothing. The roster keeps a journal: after each kill it names every write the simulator received.

The short form runs in `make test`; `make crash-loop` runs the long one (2,000 students, 5 kills), through
TESTPRESS_CRASH_STUDENTS and TESTPRESS_CRASH_KILLS.
"""

from __future__ import annotations

import collections
import os
import random

import pytest

from ansible_collections.testpress.lms.tests.harness.journal import final_lines, journal_lines, journal_writes, simulator_writes

# The short form's size (150: the kills land mid-run at any size, see kill_at_random_writes); the long form's is
# make crash-loop's concern.
STUDENTS = int(os.environ.get('TESTPRESS_CRASH_STUDENTS', '150'))
KILLS = int(os.environ.get('TESTPRESS_CRASH_KILLS', '3'))
SEED = int(os.environ.get('TESTPRESS_CRASH_SEED', '20261125'))
# The throttled variant: DRF's rate throttle at 50 calls/s per account, while the roster creates.
THROTTLED_STUDENTS = int(os.environ.get('TESTPRESS_CRASH_THROTTLED_STUDENTS', '40'))
THROTTLE_RATE = '50/s'
MODULE = 'testpress_roster'


def student(number):
    return {'username': 'crash-%04d' % number, 'password': 'Crash-%04d-Pass' % number, 'first_name': 'Crash',
            'last_name': str(number), 'email': 'crash%04d@example.com' % number, 'state_code': 'IN-KA',
            'birth_date': '2005-05-%02d' % (number % 28 + 1), 'batches': ['Batch %02d' % (number % 30 + 1), 'UPSC'],
            'courses': ['Course %02d' % (number % 25 + 1)], 'expires': '2031-03-31'}


def writes_so_far(simulator):
    return sum(1 for entry in list(simulator.log) if entry['method'] in ('POST', 'PUT', 'DELETE')
               and entry['path'] != '/api/v2.5/auth-token/')


def students_created(simulator, students):
    return sum(1 for number in range(students) if simulator.user('crash-%04d' % number) is not None)


def assert_journal_names_every_write(simulator, journal):
    """Every write the simulator received is in the journal; every one the journal says ended reached it. Only a
    call in flight at a kill may be ``sent`` without an outcome, and it may or may not have arrived."""
    received = simulator_writes(list(simulator.log))
    named, ended = journal_writes(journal_lines(journal)), journal_writes(journal_lines(journal), ('done', 'failed'))
    assert received - named == collections.Counter(), 'writes the simulator received that the journal does not name'
    assert ended - received == collections.Counter(), 'writes the journal says ended that never reached the simulator'


def kill_at_random_writes(simulator, run_playbook, task, students, kills, seed, journal=None):
    """Kill the run `kills` times, each at a random write (past the first tenth of the students' creates and
    before the last, and at least one write into the run, so that the module is running), whatever the number
    of writes a student takes; assert that each kill reached the module and left no process running, and that
    the ``journal`` (when the task keeps one) names every write. Returns the number of students that existed
    after each kill."""
    moments = sorted(random.Random(seed).sample(range(students // 10, students - students // 10), kills))
    interrupted = []
    for moment in moments:
        moment = max(moment, writes_so_far(simulator) + 1)
        killed = run_playbook(task, kill_when=lambda moment=moment: writes_so_far(simulator) >= moment)
        assert killed.rc == -9, 'the run ended before it could be killed at write %d:\n%s' % (moment, killed.stdout)
        # ansible-playbook, the task's worker (in its own session) and the module it runs: all killed, none left.
        assert any(MODULE in command for command in killed.killed.values()), killed.killed
        assert len(killed.killed) >= 2 and killed.survivors == {}, (killed.killed, killed.survivors)
        interrupted.append(students_created(simulator, students))
        if journal is not None:
            assert_journal_names_every_write(simulator, journal)
    return interrupted


def assert_converged(simulator, run_playbook, task, students):
    """The rerun finishes the job the kills left undone and converges: every student once, as declared, nothing
    lost; a further run writes nothing."""
    final = run_playbook(task)
    assert final.writes, 'the last kill came after the work was done: the rerun had nothing to finish'
    assert final.result('roster')['failures'] == []
    names = [record['username'] for record in simulator.users.values()]
    assert len(names) == len(set(names)) == len(students) + 5
    for entry in students:
        user = simulator.user(entry['username'])
        assert (user['first_name'], user['last_name'], user['email'], user['state_code']) == (
            'Crash', entry['last_name'], entry['email'], 'IN-KA'), entry['username']
        assert simulator.check_password(entry['username'], entry['password'])
        assert len(simulator.user_batch_ids(entry['username'])) == 2
        assert set(simulator.user_expiries(entry['username']).values()) == {'2031-03-31'}
        assert len(simulator.user_course_ids(entry['username'])) == 1

    again = run_playbook(task)
    assert again.writes == [] and not again.changed


@pytest.mark.long
def test_a_roster_killed_at_random_moments_converges_on_rerun_with_nothing_lost(simulator, run_playbook, tmp_path):
    students = [student(number) for number in range(STUDENTS)]
    journal = str(tmp_path / 'journal.jsonl')
    task = [{'name': 'roster', 'testpress.lms.testpress_roster': {'users': students, 'journal': journal}}]
    simulator.faults['latency'] = 0.02
    interrupted = kill_at_random_writes(simulator, run_playbook, task, STUDENTS, KILLS, SEED, journal)
    # The kills landed mid-run: some students, never all, existed after the first.
    assert all(0 < count < STUDENTS for count in interrupted[:1]), interrupted
    assert_converged(simulator, run_playbook, task, students)
    assert_journal_names_every_write(simulator, journal)
    assert set(line['outcome'] for line in final_lines(journal_lines(journal))) <= {'sent', 'done'}


def test_a_roster_killed_during_throttled_creates_converges_on_rerun(simulator, run_playbook):
    students = [student(number) for number in range(THROTTLED_STUDENTS)]
    task = [{'name': 'roster', 'testpress.lms.testpress_roster': {'users': students}}]
    simulator.configure(throttle_rate=THROTTLE_RATE)
    interrupted = kill_at_random_writes(simulator, run_playbook, task, THROTTLED_STUDENTS, 2, SEED + 1)
    assert all(0 < count < THROTTLED_STUDENTS for count in interrupted[:1]), interrupted
    assert simulator.counts()['throttled'] > 0, 'the server never throttled: the test would prove nothing'
    assert_converged(simulator, run_playbook, task, students)
