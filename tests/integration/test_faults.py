# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The single-account and membership modules under faults, through the real ansible-playbook.

A run under throttling and outages must end in exactly the state a clean run ends in; a create whose
answer is lost must leave one account and report success; a timeout and a token that expires must end
in a clear failure, or in a renewed token when there are credentials. The roster has its own tests.
"""

from __future__ import annotations

import pytest

USERS = '/api/v2.5/admin/users/'
LOGIN = '/api/v2.5/auth-token/'
PASSWORD = 'Fault$Pass-2026'
WRITE_METHODS = ('POST', 'PUT', 'DELETE')
# Every 25th call throttled, with the Retry-After: 0 a proxy sends (each waits as a bare 429 does: 1 s, 2, ...);
# every 7th a 503 that was not applied.
FAULTS = {'throttle_every': 25, 'unavailable_every': 7, 'retry_after': 0}
# Wherever those fall, the first POST of the module's own kind meets a 503 too: a write whose outcome is unknown;
# and the next one a 429 (a throttled write).
OWN_POST = {
    'testpress_user': USERS,
    'testpress_user_batches': USERS + '*/batches/',
    'testpress_user_courses': USERS + '*/courses/',
}


def task(module, name, **args):
    return {'name': name, 'testpress.lms.' + module: args}


SCENARIOS = {
    'testpress_user': [
        task('testpress_user', 'create asha', username='asha', password=PASSWORD, first_name='Asha', last_name='Raman',
             email='asha@example.com', birth_date='2007-04-12', city='Chennai', state_code='IN-TN',
             custom_fields={'Roll Number': '2026-041'}, is_active=False),
        task('testpress_user', 'create ravi', username='ravi', password=PASSWORD, first_name='Ravi', zip='600001'),
        task('testpress_user', 'update john', username='john', city='Madurai', phone='9000000002',
             custom_fields={'Parent Phone': '9000000003'}),
        task('testpress_user', 'block jdoe', username='jdoe', is_blocked=True, password=PASSWORD, update_password='always'),
        task('testpress_user', 'delete johnny', username='johnny', state='absent'),
        task('testpress_user', 'create meena', username='meena', password=PASSWORD, email='meena@example.com'),
    ],
    'testpress_user_batches': [
        task('testpress_user_batches', 'john exact', username='john', state='exact', expires='2031-12-31',
             batches=['UPSC Evening Batch'] + ['Batch %02d' % number for number in range(1, 24)]),
        task('testpress_user_batches', 'jdoe present', username='jdoe', batches=['UPSC', 'Test Batch', 27]),
        task('testpress_user_batches', 'johnny present', username='johnny', batches=['NEET Morning Batch', 'Batch 30']),
        task('testpress_user_batches', 'john absent', username='john', state='absent', batches=['Batch 01', 'Batch 02']),
    ],
    'testpress_user_courses': [
        task('testpress_user_courses', 'john exact', username='john', state='exact',
             courses=['Course %02d' % number for number in range(1, 23)]),
        task('testpress_user_courses', 'jdoe absent', username='jdoe', state='absent', courses=['TD']),
        task('testpress_user_courses', 'johnny present', username='johnny', courses=['td', 'Language training', 280]),
        task('testpress_user_courses', 'john absent', username='john', state='absent', courses=['Course 05']),
    ],
}


def server_state(simulator):
    """Every account as the API shows it (a password hash is salted: checked apart), with its memberships."""
    state = {}
    for username in sorted(record['username'] for record in simulator.users.values()):
        user = simulator.user(username)
        for volatile in ('created', 'modified', 'password_hash'):
            user.pop(volatile)
        state[username] = (user, simulator.user_batch_ids(username), simulator.user_course_ids(username),
                           simulator.user_expiries(username))
    return state


def faulted(run, statuses):
    return [(entry['method'], entry['status']) for entry in run.log if entry['status'] in statuses]


@pytest.mark.parametrize('module', sorted(SCENARIOS))
def test_a_run_under_throttling_and_outages_ends_as_a_clean_run_does(simulator, run_playbook, module):
    clean = run_playbook(SCENARIOS[module])
    expected = server_state(simulator)
    passwords = {name: simulator.check_password(name, PASSWORD) for name in expected}

    simulator.reset()
    simulator.faults.update(FAULTS)
    simulator.inject(503, method='POST', path=OWN_POST[module])
    simulator.inject(429, method='POST', path=OWN_POST[module], retry_after=0)
    run = run_playbook(SCENARIOS[module])

    assert server_state(simulator) == expected
    assert {name: simulator.check_password(name, PASSWORD) for name in expected} == passwords
    assert len(simulator.users) == len(expected)                          # no second account
    assert [(result['task'], result['changed']) for result in run.results] == [
        (result['task'], result['changed']) for result in clean.results]
    # The faults did hit, writes included.
    assert {status for _method, status in faulted(run, (429, 503))} == {429, 503}
    assert ('POST', 503) in faulted(run, (503,))
    assert any(method in WRITE_METHODS for method, _status in faulted(run, (429,)))


@pytest.mark.parametrize('fault', [{'drop': True}, {'status': 502}], ids=['dropped', '502'])
def test_a_create_applied_whose_answer_is_lost_leaves_one_account_and_succeeds(simulator, run_playbook, fault):
    simulator.inject(method='POST', path=USERS, apply=True, **fault)
    run = run_playbook([SCENARIOS['testpress_user'][1]])
    result = run.result('create ravi')
    assert result['changed'] is True and result['user']['username'] == 'ravi'
    assert [(entry['method'], entry['path']) for entry in run.writes] == [('POST', USERS)]
    assert [record['username'] for record in simulator.users.values()].count('ravi') == 1
    assert simulator.check_password('ravi', PASSWORD)


def test_a_create_dropped_before_it_was_applied_is_sent_again_and_succeeds(simulator, run_playbook):
    simulator.inject(drop=True, method='POST', path=USERS)
    run = run_playbook([SCENARIOS['testpress_user'][1]])
    assert run.result('create ravi')['changed'] is True
    assert [(entry['method'], entry['status']) for entry in run.writes] == [('POST', None), ('POST', 201)]
    assert simulator.check_password('ravi', PASSWORD)


def test_a_read_slower_than_the_timeout_is_retried_then_fails_naming_the_call(simulator, run_playbook):
    simulator.inject(delay=2, method='GET', path=USERS, times=None)
    run = run_playbook([task('testpress_user', 'slow', username='ravi', password=PASSWORD, timeout=1, max_retries=1)],
                       expect_failure=True)
    assert run.result('slow')['msg'] == 'GET %s: no answer, timed out after 1 s waiting for 127.0.0.1 (2 attempts)' % USERS
    assert [(entry['method'], entry['path']) for entry in run.log if entry['method'] == 'GET'] == [('GET', USERS)] * 2
    assert run.writes == []


def test_a_token_expiring_mid_task_is_renewed_once_with_credentials(simulator, run_playbook):
    simulator.faults['expire_tokens_after'] = 3             # the login, the user search and one membership read
    run = run_playbook(SCENARIOS['testpress_user_batches'][:1])
    assert run.result('john exact')['changed'] is True
    assert [entry['path'] for entry in run.log].count(LOGIN) == 2
    assert [entry['status'] for entry in run.log].count(401) == 1


def test_a_token_expiring_mid_task_without_credentials_fails_saying_what_to_do(simulator, run_playbook):
    token = simulator.issue_token('admin')
    simulator.faults['expire_tokens_after'] = 1             # the user search; the batches read finds it expired
    only_token = dict(SCENARIOS['testpress_user_batches'][0])
    only_token['testpress.lms.testpress_user_batches'] = dict(
        only_token['testpress.lms.testpress_user_batches'], api_token=token, api_username=None, api_password=None)
    run = run_playbook([only_token], env={'TESTPRESS_USERNAME': None, 'TESTPRESS_PASSWORD': None}, expect_failure=True,
                       verbosity=3)
    message = run.result('john exact')['msg']
    assert message.startswith('GET /api/v2.5/admin/users/1882/batches/: 401 the token was rejected (Signature has expired.)')
    assert message.endswith('Give a fresh api_token, or api_username and api_password so that an expired token is renewed.')
    assert token not in run.stdout and token not in message
    assert LOGIN not in [entry['path'] for entry in run.log] and run.writes == []


def test_a_removal_applied_whose_answer_is_lost_succeeds(simulator, run_playbook):
    simulator.inject(502, method='DELETE', path=USERS + '*/batches/', apply=True)
    run = run_playbook([task('testpress_user_batches', 'john absent', username='john', state='absent', batches=['UPSC'])])
    assert run.result('john absent')['changed'] is True
    assert [(entry['method'], entry['status']) for entry in run.writes] == [('DELETE', 502)]
    assert simulator.user_batch_ids('john') == [22]


def test_a_user_delete_applied_whose_answer_is_lost_succeeds(simulator, run_playbook):
    simulator.inject(502, method='DELETE', apply=True)
    run = run_playbook([task('testpress_user', 'delete johnny', username='johnny', state='absent')])
    assert run.result('delete johnny')['changed'] is True
    assert [(entry['method'], entry['status']) for entry in run.writes] == [('DELETE', 502), ('DELETE', 404)]
    assert simulator.user('johnny') is None


def test_json_nested_too_deep_fails_the_task_naming_the_call_not_a_traceback(simulator, run_playbook):
    simulator.inject(answer='deep', method='GET', path=USERS, times=None)
    run = run_playbook([task('testpress_user_info', 'everyone')], expect_failure=True)
    message = run.result('everyone')['msg']
    assert message.startswith('GET %s: 200 the answer is JSON nested too deep to read (' % USERS)
    assert 'RecursionError' not in run.stdout and 'Traceback' not in run.stdout
    assert run.writes == []


def test_a_list_without_count_ends_at_its_first_empty_page(simulator, run_playbook):
    simulator.inject(answer='endless_uncounted', method='GET', path=USERS, times=None)
    run = run_playbook([task('testpress_user_info', 'everyone')])
    assert len(run.result('everyone')['users']) == len(simulator.users)
    assert len([entry for entry in run.log if entry['path'] == USERS]) == 2     # the accounts, then one empty page
