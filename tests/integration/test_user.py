# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""testpress_user with the real ansible-playbook against the simulator, asserting on the request log."""

from __future__ import annotations

import json

import pytest

from ansible_collections.testpress.lms.tests.harness.playbook import run_cases

USERS = '/api/v2.5/admin/users/'
PASSWORD = 'Initial$Pass-2026'

PROFILE = {
    'first_name': 'Asha', 'last_name': 'Raman', 'email': 'asha@example.com', 'birth_date': '2007-04-12',
    'city': 'Chennai', 'zip': '600001', 'state_code': 'IN-TN', 'phone': '9000000001',
    'custom_fields': {'Roll Number': '2026-041'},
}


def user_task(name='user', **args):
    return {'name': name, 'testpress.lms.testpress_user': dict(args)}


def asha(**overrides):
    args = dict(PROFILE, username='asha', password=PASSWORD)
    args.update(overrides)
    return user_task(**args)


def methods(run):
    return [(entry['method'], entry['path']) for entry in run.writes]


@pytest.mark.core_matrix
def test_create_then_rerun_sends_nothing_more(simulator, run_playbook):
    first = run_playbook([asha()])
    assert first.result('user')['changed'] is True
    assert methods(first) == [('POST', USERS)]
    created = simulator.user('asha')
    assert created['birth_date'] == '12/04/2007' and created['state'] == 'Tamil Nadu'
    assert simulator.check_password('asha', PASSWORD)

    again = run_playbook([asha()])
    assert again.result('user')['changed'] is False
    assert again.writes == []


def test_the_other_date_format_and_the_state_name_trap_send_nothing(simulator, run_playbook):
    run_playbook([asha()])
    assert simulator.user('asha')['state'] == 'Tamil Nadu'  # read back as a name, written as a code
    run = run_playbook([asha(birth_date='12/04/2007', state_code='in-tn', email='ASHA@example.com',
                             custom_fields={'roll number': '2026-041'})])
    assert run.result('user')['changed'] is False
    assert run.writes == []


@pytest.mark.parametrize('state_format, date_format', [('code', 'iso'), ('name', 'iso'), ('code', 'dmy')])
def test_every_read_shape_of_state_and_date_is_idempotent(simulator, run_playbook, state_format, date_format):
    run_playbook([asha()])
    simulator.state_format = state_format
    simulator.date_format = date_format
    run = run_playbook([asha()])
    assert run.result('user')['changed'] is False
    assert run.writes == []


@pytest.mark.core_matrix
def test_check_mode_create_reports_the_change_with_a_diff_and_writes_nothing(simulator, run_playbook):
    run = run_playbook([asha()], check=True, diff=True)
    result = run.result('user')
    assert result['changed'] is True
    assert result['diff']['before'] == {}
    assert result['diff']['after']['birth_date'] == '2007-04-12'
    assert result['diff']['after']['state_code'] == 'IN-TN'
    assert result['user']['username'] == 'asha'
    assert run.writes == []
    assert simulator.user('asha') is None


@pytest.mark.core_matrix
def test_check_mode_update_reports_the_change_with_a_diff_and_writes_nothing(simulator, run_playbook):
    run_playbook([asha()])
    run = run_playbook([asha(city='Madurai')], check=True, diff=True)
    result = run.result('user')
    assert result['changed'] is True
    assert result['diff']['before']['city'] == 'Chennai'
    assert result['diff']['after']['city'] == 'Madurai'
    assert run.writes == []
    assert simulator.user('asha')['city'] == 'Chennai'


def test_one_changed_field_is_one_put_with_username_and_that_field_and_only_john_is_touched(simulator, run_playbook):
    before = dict((name, simulator.user(name)) for name in ('john', 'johnny', 'jdoe'))
    run = run_playbook([user_task(username='john', city='Madurai')])
    assert run.result('user')['changed'] is True
    john_path = '%s%d/' % (USERS, before['john']['id'])
    assert methods(run) == [('PUT', john_path)]
    assert run.writes[0]['body'] == {'username': 'john', 'city': 'Madurai'}
    after_john = simulator.user('john')
    assert after_john['city'] == 'Madurai'
    unchanged = dict((key, value) for key, value in after_john.items() if key not in ('city', 'modified'))
    assert unchanged == dict((key, value) for key, value in before['john'].items() if key not in ('city', 'modified'))
    assert simulator.user('johnny') == before['johnny'] and simulator.user('jdoe') == before['jdoe']


def test_an_update_the_api_acknowledges_but_does_not_apply_is_a_failure(simulator, run_playbook):
    john = simulator.user('john')
    simulator.inject(answer='ignore', method='PUT', path='%s%d/' % (USERS, john['id']))
    run = run_playbook([user_task(username='john', city='Madurai', custom_fields={'Roll Number': 'R-9'})],
                       expect_failure=True)
    assert run.result('user')['msg'] == (
        "PUT %s%d/: 200 the API accepted the update of 'john' but did not apply it: its answer holds another city, "
        'custom_fields than was sent. The account is not as the task declares: run the task again, and if this '
        'persists, check the account on the institute' % (USERS, john['id']))
    assert simulator.user('john')['city'] == john['city']
    assert [entry['fault'] for entry in run.log if entry.get('fault')] == ['ignore']
    assert run_playbook([user_task(username='john', city='Madurai')]).result('user')['changed'] is True  # then applied


def test_active_blocked_and_custom_fields_converge(simulator, run_playbook):
    run_playbook([asha()])
    task = asha(is_active=False, is_blocked=True, custom_fields={'ROLL NUMBER': '2026-042', 'Parent Phone': '9888'})
    run = run_playbook([task])
    assert run.result('user')['changed'] is True
    assert [entry['method'] for entry in run.writes] == ['PUT']
    record = simulator.user('asha')
    assert record['is_active'] is False and record['is_blocked'] is True
    assert record['custom_fields'] == {'Roll Number': '2026-042', 'Parent Phone': '9888'}
    again = run_playbook([task])
    assert again.result('user')['changed'] is False and again.writes == []


def test_a_create_sets_update_only_fields_with_one_put_and_a_rerun_sends_nothing(simulator, run_playbook):
    task = asha(is_active=False, is_blocked=True)
    run = run_playbook([task])
    assert run.result('user')['changed'] is True
    user_path = '%s%d/' % (USERS, simulator.user('asha')['id'])
    assert methods(run) == [('POST', USERS), ('PUT', user_path)]
    assert 'is_active' not in run.writes[0]['body']
    assert run.writes[1]['body'] == {'username': 'asha', 'is_active': False, 'is_blocked': True}
    assert run.result('user')['user']['is_active'] is False
    again = run_playbook([task])
    assert again.result('user')['changed'] is False and again.writes == []


def test_update_password_on_create_never_resends_and_always_always_does(simulator, run_playbook):
    run_playbook([asha()])
    on_create = run_playbook([asha(password='Another$Pass-1')])
    assert on_create.result('user')['changed'] is False and on_create.writes == []
    assert simulator.check_password('asha', PASSWORD)

    for _round in range(2):
        always = run_playbook([asha(password='Another$Pass-1', update_password='always')])
        assert always.result('user')['changed'] is True
        assert methods(always) == [('PUT', '%s%d/' % (USERS, simulator.user('asha')['id']))]
    assert simulator.check_password('asha', 'Another$Pass-1')


def test_absent_in_check_mode_then_one_delete_on_v2_2_then_nothing(simulator, run_playbook):
    user_id = simulator.user('johnny')['id']
    check = run_playbook([user_task(username='johnny', state='absent')], check=True, diff=True)
    assert check.result('user')['changed'] is True
    assert check.result('user')['diff']['after'] == {}
    assert check.writes == [] and simulator.user('johnny') is not None

    run = run_playbook([user_task(username='johnny', state='absent')])
    assert run.result('user')['changed'] is True
    assert methods(run) == [('DELETE', '/api/v2.2/admin/users/%d/' % user_id)]
    assert simulator.user('johnny') is None and simulator.user('john') is not None

    again = run_playbook([user_task(username='johnny', state='absent')])
    assert again.result('user')['changed'] is False and again.writes == []


def test_a_create_applied_but_answered_502_is_recovered_not_repeated(simulator, run_playbook):
    simulator.inject(502, method='POST', path=USERS, apply=True)
    run = run_playbook([asha()])
    result = run.result('user')
    assert result['changed'] is True and result['user']['username'] == 'asha'
    assert methods(run) == [('POST', USERS)]
    assert simulator.check_password('asha', PASSWORD)


BAD_INPUT = [
    ({'birth_date': '31/02/2007'}, 'birth_date'),
    ({'birth_date': '04/12/07'}, 'birth_date'),
    ({'state_code': 'Tamil Nad'}, 'state_code'),
    ({'state_code': 'IN-ZZ'}, 'state_code'),
    ({'email': 'asha-at-example.com'}, 'email'),
    ({'custom_fields': 'Roll Number'}, 'custom_fields'),
    ({'password': None}, 'password'),
    ({'state': 'gone'}, 'state'),
    ({'update_password': 'sometimes'}, 'update_password'),
    ({'is_active': 'maybe'}, 'is_active'),
    ({'username': ''}, 'username'),
]


@pytest.fixture(scope='module')
def bad_input_run(run_playbook_shared):
    tasks = []
    for override, _option in BAD_INPUT:
        task = asha(**override)
        task['testpress.lms.testpress_user'] = dict(
            (key, value) for key, value in task['testpress.lms.testpress_user'].items() if value is not None)
        tasks.append(task)
    return run_cases(run_playbook_shared, tasks, failing=True)


@pytest.mark.parametrize('index', range(len(BAD_INPUT)), ids=[option + str(i) for i, (_override, option) in enumerate(BAD_INPUT)])
def test_bad_input_fails_naming_the_option_before_any_write(bad_input_run, index):
    result = bad_input_run.result('case %d' % index)
    assert result['failed'] is True
    assert BAD_INPUT[index][1] in result['msg']
    assert bad_input_run.writes == []


@pytest.mark.core_matrix
def test_no_secret_reaches_results_diff_or_vvvv_output(simulator, run_playbook):
    token = simulator.issue_token('admin')
    tasks = [asha(api_token=token), asha(name='again', api_token=token, password='Second$Pass-9', update_password='always')]
    run = run_playbook(tasks, diff=True, verbosity=4)
    hashes = [simulator.user('asha')['password_hash']]
    everything = run.stdout + json.dumps(run.results)
    for secret in [PASSWORD, 'Second$Pass-9', 'admin-pass', token] + hashes:
        assert secret not in everything
    assert 'password_hash' not in json.dumps(run.results)
    assert run.result('again')['diff']['after']['password'].startswith('********')


@pytest.mark.core_matrix
def test_the_examples_run_and_a_rerun_changes_nothing(simulator, run_playbook, module_examples):
    examples = module_examples('testpress_user')
    variables = {'testpress_url': simulator.url, 'testpress_admin': 'admin', 'testpress_admin_password': 'admin-pass',
                 'asha_initial_password': PASSWORD}
    run = run_playbook(examples[:2], extra_vars=variables)
    assert [result['changed'] for result in run.results] == [True, True]
    assert simulator.user('asha')['is_active'] is False
    assert simulator.user('asha')['custom_fields'] == {'Roll Number': '2026-041'}
    again = run_playbook(examples[:2], extra_vars=variables)
    assert again.writes == [] and not again.changed
    deleted = run_playbook(examples, extra_vars=variables)
    assert [result['changed'] for result in deleted.results] == [False, False, True]
    assert simulator.user('asha') is None
