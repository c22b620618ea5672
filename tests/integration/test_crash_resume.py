# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Crash and resume: testpress_roster killed (SIGKILL of ansible-playbook and its module) at random moments
while it creates students at 20 ms per call; each rerun picks up where the last one died, and the last one
converges: every student exists once, exactly as declared, nothing lost, and a further run writes nothing.

The short form runs in `make test`; `make crash-loop` runs the long one (2,000 students, 5 kills), through
TESTPRESS_CRASH_STUDENTS and TESTPRESS_CRASH_KILLS.
"""

from __future__ import annotations

import os
import random

STUDENTS = int(os.environ.get('TESTPRESS_CRASH_STUDENTS', '300'))
KILLS = int(os.environ.get('TESTPRESS_CRASH_KILLS', '3'))
SEED = int(os.environ.get('TESTPRESS_CRASH_SEED', '20261125'))


def student(number):
    return {'username': 'crash-%04d' % number, 'password': 'Crash-%04d-Pass' % number, 'first_name': 'Crash',
            'last_name': str(number), 'email': 'crash%04d@example.com' % number, 'state_code': 'IN-KA',
            'birth_date': '2005-05-%02d' % (number % 28 + 1), 'batches': ['Batch %02d' % (number % 30 + 1), 'UPSC'],
            'courses': ['Course %02d' % (number % 25 + 1)], 'expires': '2031-03-31'}


def writes_so_far(simulator):
    return sum(1 for entry in list(simulator.log) if entry['method'] in ('POST', 'PUT', 'DELETE')
               and entry['path'] != '/api/v2.5/auth-token/')


def test_a_roster_killed_at_random_moments_converges_on_rerun_with_nothing_lost(simulator, run_playbook):
    students = [student(number) for number in range(STUDENTS)]
    task = [{'name': 'roster', 'testpress.lms.testpress_roster': {'users': students}}]
    simulator.faults['latency'] = 0.02
    # Each student takes three writes (create, batches with their end date, courses).
    total = 3 * STUDENTS
    moments = sorted(random.Random(SEED).sample(range(total // 10, total - total // 10), KILLS))
    interrupted = []
    for moment in moments:
        killed = run_playbook(task, kill_when=lambda moment=moment: writes_so_far(simulator) >= moment)
        assert killed.rc == -9, 'the run ended before it could be killed at write %d:\n%s' % (moment, killed.stdout)
        interrupted.append(sum(1 for entry in students if simulator.user(entry['username']) is not None))
    # The kills landed mid-run: some students, never all, existed after each.
    assert all(0 < count < STUDENTS for count in interrupted[:1]), interrupted

    final = run_playbook(task)
    assert final.result('roster')['failures'] == []
    names = [record['username'] for record in simulator.users.values()]
    assert len(names) == len(set(names)) == STUDENTS + 5
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
