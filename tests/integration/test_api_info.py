# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""testpress.lms.testpress_api_info and playbooks/preflight.yml against the simulator: every check a read, zero
writes; a listing switched off fails its check by name, says what it affects, and fails the playbook."""

from __future__ import annotations

import time

import pytest
import yaml

MODULE = 'testpress.lms.testpress_api_info'
PLAYBOOK = 'playbooks/preflight.yml'
CHECK_NAMES = ['login', 'admin', 'me', 'user_list', 'embedded_batches', 'staff_marked', 'user_search', 'user_flags', 'user_state', 'user_birth_date',
               'user_custom_fields', 'user_batches', 'user_courses', 'user_subscriptions', 'batch_search',
               'course_search', 'latency']


def preflight(name='preflight', **args):
    return {'name': name, MODULE: args}


def by_name(result):
    return dict((check['name'], check) for check in result['checks'])


def only_reads(run):
    """Every request of the run but the login is a GET, and the simulator logged no write."""
    assert run.writes == []
    assert set(entry['method'] for entry in run.log if entry['path'] != '/api/v2.5/auth-token/') == {'GET'}


@pytest.mark.core_matrix
@pytest.mark.parametrize('check_mode', [False, True])
def test_every_check_passes_against_the_simulator_with_reads_alone(simulator, run_playbook, check_mode):
    run = run_playbook([preflight(concurrency=16)], check=check_mode)
    result = run.result('preflight')
    assert [check['name'] for check in result['checks']] == CHECK_NAMES
    assert [check['name'] for check in result['checks'] if not check['ok']] == []
    assert not result['changed']
    only_reads(run)
    checks = by_name(result)
    assert checks['me']['detail'] == "names the account 'admin' (id %d)" % simulator.user('admin')['id']
    assert checks['user_state']['detail'].startswith('read back as a name')
    assert 'DD/MM/YYYY' in checks['user_birth_date']['detail']
    estimate = result['estimate']
    users = len(simulator.users)
    assert estimate['users'] == users and estimate['concurrency'] == 16
    assert estimate['audit_calls'] == 1 + estimate['pages'] + users
    assert estimate['apply_calls'] == estimate['audit_calls'] + users
    assert 0 < estimate['audit_seconds'] <= estimate['apply_seconds']


def test_the_playbook_prints_the_table_and_passes(simulator, run_playbook):
    for number in range(30):
        simulator.add_user('bulk-%02d' % number)
    run = run_playbook(PLAYBOOK, verbosity=0)
    table = run.result('Show the checks')['msg']
    assert table[0].split() == ['check', 'result', 'roster', 'detail']
    assert [line.split()[0] for line in table[1:]] == CHECK_NAMES
    assert all(line.split()[1] == 'ok' for line in table[1:])
    assert 'next links on api_url, numbered: pages read in parallel' in run.stdout
    assert '35 accounts' in run.result('Show the expected time of an audit and an apply')['msg']
    assert run.result('Fail when a check the roster needs failed')['_status'] == 'skipped'
    only_reads(run)


# On the ansible-core legs, 404 alone: the module treats both statuses alike, and the playbook's failure is the same.
@pytest.mark.parametrize('status', [pytest.param(404, marks=pytest.mark.core_matrix), 405])
def test_a_courses_listing_switched_off_fails_its_check_and_the_playbook(simulator, run_playbook, status):
    simulator.configure(courses_listing_status=status)
    run = run_playbook(PLAYBOOK, verbosity=0, expect_failure=True)
    checks = by_name(run.result('Check the institute, reading only'))
    failed = [name for name, check in checks.items() if not check['ok']]
    assert failed == ['user_courses']
    assert 'courses/: %d ' % status in checks['user_courses']['detail']
    assert checks['user_courses']['detail'].endswith('(docs/api-behaviour.md, section Memberships), and this one does not')
    assert 'testpress_roster: courses' in checks['user_courses']['affects']
    table = run.result('Show the checks')['msg']
    row = table.index([line for line in table if line.startswith('user_courses')][0])
    assert row and 'FAILED' in table[row] and 'needs' in table[row]
    assert 'affects: testpress_user_courses; testpress_roster: courses' in table[row + 1]
    assert 'user_courses failed' in run.result('Fail when a check the roster needs failed')['msg']
    only_reads(run)


def test_a_token_is_checked_by_the_first_read_and_no_login_is_sent(simulator, run_playbook):
    token = simulator.issue_token('admin')
    run = run_playbook([preflight(api_token=token)])
    checks = by_name(run.result('preflight'))
    assert checks['login']['ok'] and checks['login']['detail'] == 'api_token accepted at %s' % simulator.url
    assert all(check['ok'] for check in checks.values())
    assert [entry for entry in run.log if entry['method'] != 'GET'] == []


def test_a_rejected_login_fails_its_check_and_runs_nothing_else(simulator, run_playbook):
    run = run_playbook([preflight()], env={'TESTPRESS_PASSWORD': 'Not-The-Pass-7'})
    checks = run.result('preflight')['checks']
    assert checks[0]['name'] == 'login' and not checks[0]['ok']
    assert 'auth-token/: 400' in checks[0]['detail']
    # One cause, one check, one line: not 16 more saying "not run".
    assert [check['name'] for check in checks] == ['login']
    assert checks[0]['detail'].endswith('check api_username and api_password (the other checks need it and were not run)')
    assert run.result('preflight')['estimate'] == {}
    assert [entry['path'] for entry in run.log] == ['/api/v2.5/auth-token/']


def test_the_preflight_playbook_prints_a_failed_login_as_one_line(simulator, run_playbook):
    run = run_playbook(PLAYBOOK, verbosity=0, env={'TESTPRESS_PASSWORD': 'Not-The-Pass-7'},
                       expect_failure=True)
    table = run.result('Show the checks')['msg']
    assert [line.split()[0] for line in table] == ['check', 'login', 'affects:']
    assert 'the other checks need it and were not run' in table[1]
    assert 'login failed' in run.result('Fail when a check the roster needs failed')['msg']


def test_a_bad_token_fails_the_login_check(simulator, run_playbook):
    task = preflight(api_token='not-a-token', api_username='{{ omit }}')
    run = run_playbook([task], env={'TESTPRESS_USERNAME': None, 'TESTPRESS_PASSWORD': None})
    checks = by_name(run.result('preflight'))
    assert not checks['login']['ok'] and '401' in checks['login']['detail']
    assert list(checks) == ['login']
    only_reads(run)


def test_an_account_that_is_no_admin_fails_the_admin_check(simulator, run_playbook):
    simulator.add_user('teacher', password='Teacher-Pass-1')
    run = run_playbook([preflight(api_username='teacher')], env={'TESTPRESS_PASSWORD': 'Teacher-Pass-1'})
    checks = by_name(run.result('preflight'))
    assert checks['login']['ok']
    assert not checks['admin']['ok']
    assert checks['admin']['detail'] == ("the account logs in but cannot list accounts: GET /api/v2.5/admin/users/: 403 "
                                         "the account 'teacher' is not an institute admin at %s (You do not have permission "
                                         'to perform this action.): the Admin API needs the login of an institute admin '
                                         '(the other checks need it and were not run)' % simulator.url.split('//')[1])
    assert list(checks) == ['login', 'admin']
    assert 'Teacher-Pass-1' not in run.stdout + str(run.results)
    only_reads(run)


def test_the_account_to_read_is_chosen_and_state_and_dates_read_as_codes_and_iso(simulator, run_playbook):
    simulator.state_format, simulator.date_format = 'code', 'iso'
    run = run_playbook([preflight(username='john'), preflight('nobody', username='no-such-user')])
    checks = by_name(run.result('preflight'))
    assert all(check['ok'] for check in checks.values())
    assert checks['user_search']['detail'].startswith("searching 'john' finds the account among")
    assert checks['user_state']['detail'] == 'read back as a code (IN-TN)'
    assert checks['user_birth_date']['detail'] == 'read back as YYYY-MM-DD (1994-07-03)'
    nobody = by_name(run.result('nobody'))
    assert not nobody['user_search']['ok'] and "searching 'no-such-user' does not find" in nobody['user_search']['detail']
    assert nobody['user_flags']['detail'] == 'not run: no account to read'
    only_reads(run)


def test_an_institute_that_does_not_serve_me_passes(simulator, run_playbook):
    simulator.configure(me_status=404)
    run = run_playbook([preflight()])
    checks = by_name(run.result('preflight'))
    assert all(check['ok'] for check in checks.values())
    assert checks['me']['detail'] == 'not served: the account an api_token belongs to is read from the token itself'
    only_reads(run)


@pytest.mark.core_matrix
def test_the_examples_run(simulator, run_playbook, module_examples):
    variables = {'testpress_url': simulator.url, 'testpress_admin': 'admin', 'testpress_admin_password': 'admin-pass'}
    run = run_playbook(module_examples('testpress_api_info'), extra_vars=variables)
    assert run.result('Stop when a check the roster needs failed')['_status'] == 'ok'
    assert 'an audit takes about' in run.result('Say how long an audit of this institute takes')['msg']
    assert run.result('Estimate the roster the next task applies (src names a roster file instead)')['estimate']['roster']['entries'] == 2
    only_reads(run)


@pytest.mark.parametrize('retry_after', [True, False])
def test_a_throttled_institute_passes_every_check_at_its_pace(simulator, run_playbook, retry_after):
    simulator.configure(throttle_rate='4/s', throttle_retry_after=retry_after)
    run = run_playbook([preflight()])
    assert [check['name'] for check in run.result('preflight')['checks'] if not check['ok']] == []
    assert simulator.counts()['throttled'] > 0
    only_reads(run)


ROSTER_SIZE = 300
EXISTING = 100


def estimated_student(number):
    """A roster entry managing what changes the calls: batches by name (with the create), courses, and, on every
    other entry, ``expires`` (the subscriptions read of an existing account)."""
    entry = {'username': 'estimate-%03d' % number, 'first_name': 'Estimate', 'last_name': str(number),
             'batches': ['Batch %02d' % (number % 30 + 1)], 'courses': ['Course %02d' % (number % 25 + 1)]}
    if number % 2:
        entry['expires'] = '2031-03-31'
    return entry


class CallSpan:
    """Polled while a run goes on (never kills it): when the simulator saw the run's first call and its last."""

    def __init__(self, simulator):
        self.simulator, self.seen, self.first, self.last = simulator, len(simulator.log), None, None

    def __call__(self):
        count = len(self.simulator.log)
        if count != self.seen:
            self.last = time.monotonic()
            self.first = self.first or self.last
            self.seen = count
        return False

    @property
    def seconds(self):
        return self.last - self.first


def within(estimated, measured, factor=1.5):
    return measured / factor <= estimated <= measured * factor


# Not on the ansible-core legs: the estimate and the calls it is measured against are the collection's own code; the
# roster's src and check mode on each core are tested by test_roster_src and the other core_matrix tests here.
@pytest.mark.long
def test_the_estimate_of_a_roster_is_within_half_again_of_its_audit_and_apply(simulator, run_playbook, tmp_path):
    roster = [estimated_student(number) for number in range(ROSTER_SIZE)]
    # The first third exists, made through the API's own create as the roster would make it (the roster's create
    # is tested elsewhere; here it would be a setup run of 100 creates). Its estimate, audit and apply below find
    # nothing to change on them: 'writes' counts the creates alone.
    for entry in roster[:EXISTING]:
        simulator.add_user(password=None, **entry)
    roster_file = tmp_path / 'roster.yml'
    roster_file.write_text(yaml.safe_dump(roster), encoding='utf-8')
    simulator.faults['latency'] = 0.02

    estimate = run_playbook([preflight(src=str(roster_file))]).result('preflight')['estimate']
    assert estimate['roster'] == {'entries': ROSTER_SIZE, 'creates': ROSTER_SIZE - EXISTING, 'existing': EXISTING,
                                  'deletes': 0, 'swept': 0, 'password_updates': 0,
                                  # each existing account's courses, and with expires its batches and subscriptions
                                  'listing_reads': EXISTING + EXISTING // 2 * 2,
                                  'name_searches': 55, 'writes': 2 * (ROSTER_SIZE - EXISTING)}
    task = [{'name': 'roster', 'testpress.lms.testpress_roster': {'src': str(roster_file), 'auto_generate_password': True}}]
    audit_span, apply_span = CallSpan(simulator), CallSpan(simulator)
    audit = run_playbook(task, check=True, kill_when=audit_span)
    applied = run_playbook(task, kill_when=apply_span)
    assert audit.rc == 0 and applied.rc == 0 and audit.writes == []
    assert applied.result('roster')['summary']['created'] == ROSTER_SIZE - EXISTING
    # The calls, from the simulator's log, within half again. The seconds are the calls' alone, at the latency of a
    # read: the CPU of the controller and of the simulator (on a busy machine, most of a write's time here) adds to
    # them, so the only stable bound is one way: the estimate is never more than half again the time the calls took,
    # from the simulator's first call of the run to its last.
    assert within(estimate['audit_calls'], len(audit.log)), (estimate, len(audit.log))
    assert within(estimate['apply_calls'], len(applied.log)), (estimate, len(applied.log))
    assert estimate['audit_seconds'] <= audit_span.seconds * 1.5 and estimate['apply_seconds'] <= apply_span.seconds * 1.5
