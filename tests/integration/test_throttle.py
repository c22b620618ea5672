# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A roster under the API's rate throttle (Django REST framework's, as the simulator does it), through the real
ansible-playbook: the run follows the throttle instead of fighting it.

150 new students against 30 calls/s per account, with Retry-After and with a bare 429: every student is
created, no call fails, few are refused, and the run takes about what the rate allows; a rerun and an audit
(check mode) under the same throttle write nothing; ``rate_limit`` at the server's rate meets no 429 at all;
``max_throttle_wait`` ends a call the server keeps refusing, with a message saying so.
"""

from __future__ import annotations

import re

import pytest

MODULE = 'testpress.lms.testpress_roster'
RATE = 30
STUDENTS = 150


def student(number):
    return {'username': 'paced-%03d' % number, 'password': 'Paced-%03d-Secret!' % number, 'first_name': 'Paced',
            'last_name': 'No %d' % number, 'email': 'paced%03d@example.com' % number, 'city': 'Chennai',
            'batches': ['Batch %02d' % (number % 30 + 1)], 'courses': ['Course %02d' % (number % 25 + 1)]}


def roster(users, name='roster', **options):
    return {'name': name, MODULE: dict(options, users=users)}


@pytest.mark.long
@pytest.mark.parametrize('retry_after', [True, False], ids=['retry-after', 'bare-429'])
def test_150_students_under_30_calls_a_second_converge_with_no_failure(simulator, run_playbook, retry_after):
    students = [student(number) for number in range(STUDENTS)]
    simulator.configure(throttle_rate='%d/s' % RATE, throttle_retry_after=retry_after)
    created = run_playbook([roster(students, concurrency=8)])
    counts = simulator.counts()
    summary = created.result('roster')['summary']
    assert summary['created'] == STUDENTS and summary['failed'] == 0
    assert all(simulator.user('paced-%03d' % number) for number in range(STUDENTS))
    assert counts['throttled'] > 0, 'the throttle never refused a call: this test did not test it'
    # How close to the rate the run keeps is measured by make bench (tests/bench/bench_throttle.py), not here.
    assert counts['throttled'] <= 0.15 * counts['served'], counts

    simulator.clear_log()
    # The rerun, then the audit (check mode), in one run under the same throttle.
    rerun = run_playbook([roster(students, 'rerun', concurrency=8), dict(roster(students, 'audit', concurrency=8), check_mode=True)])
    assert rerun.writes == []
    assert rerun.result('rerun')['changed'] is False and rerun.result('audit')['changed'] is False


def test_an_audit_under_the_throttle_writes_nothing(simulator, run_playbook):
    simulator.configure(throttle_rate='%d/s' % RATE, throttle_retry_after=False)
    audit = run_playbook([roster([student(number) for number in range(60)], concurrency=16)], check=True)
    assert audit.writes == []
    assert audit.result('roster')['summary']['created'] == 60
    assert not [user for user in simulator.users.values() if user['username'].startswith('paced-')]


def test_rate_limit_at_the_servers_rate_meets_no_429(simulator, run_playbook):
    simulator.configure(throttle_rate='%d/s' % RATE)
    run = run_playbook([roster([student(number) for number in range(60)], concurrency=8, rate_limit=RATE)])
    assert run.result('roster')['summary']['created'] == 60
    assert simulator.counts()['throttled'] == 0


def test_a_server_that_keeps_throttling_ends_the_task_after_max_throttle_wait(simulator, run_playbook):
    simulator.inject(429, retry_after=1, times=None, method='GET', path='/api/v2.5/admin/users/')
    run = run_playbook([{'name': 'john', 'testpress.lms.testpress_user': {'username': 'john', 'max_throttle_wait': 3}}],
                       expect_failure=True)
    assert re.fullmatch(r'GET /api/v2\.5/admin/users/: 429 throttled \(HTTP 429\): the server kept throttling this call '
                        r'for 2(\.\d)? s and asks for 1 s more, past max_throttle_wait \(3 s\)', run.result('john')['msg'])
    assert run.writes == []
