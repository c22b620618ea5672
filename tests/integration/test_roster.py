# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""testpress.lms.testpress_roster, run by the real ansible-playbook against the simulator.

Each test asserts the task's report and the simulator's request log: what was written, and nothing
at all on a rerun or in check mode. Seed: admin (the login), student0, john, johnny, jdoe.
"""

from __future__ import annotations

import collections
import json
import re
import shutil

import pytest
import yaml

from ansible_collections.testpress.lms.tests.harness import REPO_ROOT

MODULE = 'testpress.lms.testpress_roster'
USERS = '/api/v2.5/admin/users/'
SEEDED = ('admin', 'student0', 'john', 'johnny', 'jdoe')


def roster(users, name='roster', **options):
    return {'name': name, MODULE: dict(options, users=users)}


def student(number, **fields):
    entry = {
        'username': 'student-%03d' % number, 'password': 'Pw-%03d-Secret!' % number,
        'first_name': 'Student', 'last_name': 'No %d' % number, 'email': 'student%03d@example.com' % number,
        'birth_date': '2006-%02d-%02d' % (number % 12 + 1, number % 28 + 1), 'state_code': 'IN-TN',
        'city': 'Chennai', 'custom_fields': {'Roll Number': 'R-%03d' % number},
        'batches': ['Batch %02d' % (number % 30 + 1), 'UPSC'], 'courses': ['Course %02d' % (number % 25 + 1)],
    }
    entry.update(fields)
    return entry


def edit_on_platform(simulator, username, **fields):
    """Change an account behind the collection's back, as another admin would."""
    with simulator._lock:
        simulator._by_username[username].update(fields)


def methods(run):
    return collections.Counter((entry['method'], entry['path'].split('/')[-2] if entry['path'].count('/') > 5 else entry['path'])
                               for entry in run.writes)


def usernames(simulator):
    return sorted(record['username'] for record in simulator.users.values())


@pytest.mark.long
@pytest.mark.core_matrix
def test_300_students_created_then_a_rerun_writes_nothing_and_an_audit_names_exactly_the_drift(simulator, run_playbook,
                                                                                               tmp_path):
    students = [student(number) for number in range(300)]
    created = run_playbook([roster(students)])
    result = created.result('roster')
    assert result['changed'] is True and result['failures'] == []
    assert result['summary'] == {'created': 300, 'updated': 0, 'deleted': 0, 'deactivated': 0, 'unchanged': 0, 'failed': 0}
    # One create (carrying the student's batches, by name, as the API documents) and one course add per student.
    assert len(created.writes) == 600
    creates = [entry for entry in created.writes if entry['method'] == 'POST' and entry['path'] == USERS]
    assert len(creates) == 300 and creates[0]['body']['batches'] == ['Batch %02d' % (int(creates[0]['body']['username'][-3:]) % 30 + 1), 'UPSC']
    john = simulator.user('student-007')
    assert (john['state_code'], john['birth_date'], john['custom_fields']) == ('IN-TN', '08/08/2006', {'Roll Number': 'R-007'})
    assert len(simulator.user_batch_ids('student-007')) == 2 and len(simulator.user_course_ids('student-007')) == 1
    assert all(simulator.check_password('student-%03d' % n, 'Pw-%03d-Secret!' % n) for n in (0, 150, 299))

    rerun = run_playbook([roster(students)])
    assert rerun.writes == [] and rerun.result('roster')['changed'] is False
    assert rerun.result('roster')['summary']['unchanged'] == 300

    # Drift in 1 student in 20: a city changed for half of them, a batch left for the other half.
    drifted = {}
    for number in range(0, 300, 20):
        username = 'student-%03d' % number
        if number % 40 == 0:
            edit_on_platform(simulator, username, city='Madurai')
            drifted[username] = {'action': 'update', 'before': {'city': 'Madurai'}, 'after': {'city': 'Chennai'}}
        else:
            with simulator._lock:
                simulator._by_username[username]['batches'].pop(21)
            drifted[username] = {'action': 'update', 'before': {}, 'after': {}, 'batches': {'added': ['UPSC']}}
    changes_file = tmp_path / 'changes.json'
    audit = run_playbook([roster(students), roster(students, name='capped', max_changes_listed=5,
                                                   changes_file=str(changes_file))], check=True, diff=True)
    report = audit.result('roster')
    assert audit.writes == []
    # Past max_changes_listed, the result lists the first, counts all, and the private changes_file has the rest.
    capped = audit.result('capped')
    assert capped['changes'] == report['changes'][:5] and capped['changes_not_listed'] == 10
    assert capped['summary'] == report['summary'] and len(capped['diff']) == 5
    assert capped['changes_file'] == str(changes_file) and oct(changes_file.stat().st_mode & 0o777) == '0o600'
    assert json.loads(changes_file.read_text()) == report['changes'][5:]
    assert report['changed'] is True and report['summary']['updated'] == 15 and report['summary']['unchanged'] == 285
    assert dict((change.pop('username'), change) for change in report['changes']) == drifted
    diff = dict((item['before_header'], item) for item in report['diff'])
    assert sorted(diff) == sorted('%s (update)' % username for username in drifted)
    assert diff['student-000 (update)']['before']['city'] == 'Madurai'
    assert diff['student-000 (update)']['after']['city'] == 'Chennai'
    # The default callback shows whose account each change is.
    assert '--- before: student-000 (update)' in audit.stdout and '+++ after: student-020 (update)' in audit.stdout


def test_exact_membership_removes_only_what_entries_declare(simulator, run_playbook):
    run = run_playbook([roster([{'username': 'john', 'batches': ['UPSC']},
                                {'username': 'jdoe', 'courses': []}], membership='exact')])
    assert sorted((entry['method'], entry['path'], str(entry['body'])) for entry in run.writes) == [
        ('DELETE', USERS + '1882/batches/', "{'batches': [22]}"),
        ('DELETE', USERS + '1884/courses/', "{'courses': [279, 282]}"),
    ]
    # john's courses and jdoe's batches were left out of their entries: untouched.
    assert simulator.user_course_ids('john') == [278] and len(simulator.user_batch_ids('jdoe')) == 1
    assert run.result('roster')['summary']['updated'] == 2


@pytest.mark.core_matrix
def test_unlisted_users_deactivated_except_the_protected_and_the_login_account(simulator, run_playbook):
    task = roster([{'username': 'john'}], unlisted_users='deactivate', protected_users=['jdoe'], max_removals_percent=100)
    run = run_playbook([task])
    assert sorted((entry['method'], entry['path'], entry['body']['is_active']) for entry in run.writes) == [
        ('PUT', USERS + '1881/', False), ('PUT', USERS + '1883/', False)]
    assert [simulator.user(name)['is_active'] for name in SEEDED] == [True, False, True, False, True]
    assert run.result('roster')['summary']['deactivated'] == 2
    rerun = run_playbook([task])
    # The accounts already inactive need nothing, and are no roster entries: unchanged counts john alone.
    assert rerun.writes == [] and rerun.result('roster')['summary'] == dict(
        created=0, updated=0, deleted=0, deactivated=0, unchanged=1, failed=0)


def test_unlisted_users_deleted_except_the_protected_and_the_login_account(simulator, run_playbook):
    run = run_playbook([roster([{'username': 'john'}], unlisted_users='delete', protected_users=['jdoe'],
                               max_removals_percent=100)])
    assert sorted(entry['path'] for entry in run.writes) == ['/api/v2.2/admin/users/1881/', '/api/v2.2/admin/users/1883/']
    assert usernames(simulator) == ['admin', 'jdoe', 'john']


@pytest.mark.core_matrix
def test_more_removals_than_max_removals_fail_before_any_write(simulator, run_playbook):
    run = run_playbook([roster([{'username': 'john', 'batches': []}], unlisted_users='delete', max_removals=4,
                               membership='exact')],
                       expect_failure=True)
    result = run.result('roster')
    # 3 unlisted accounts deleted (admin is the login) + john's 2 batches = 5 > 4.
    assert 'would remove 5 (3 accounts deleted, 0 deactivated, 0 locked out, 2 memberships removed)' in result['msg']
    assert 'max_removals=4' in result['msg']
    assert run.writes == [] and usernames(simulator) == sorted(SEEDED)


def test_a_roster_that_would_lock_out_the_login_account_fails_before_any_write(simulator, run_playbook):
    run = run_playbook([roster([{'username': 'admin', 'is_active': False}, {'username': 'john', 'city': 'Salem'}])],
                       expect_failure=True)
    assert 'users[0] (admin): is protected' in run.result('roster')['msg']
    assert run.writes == []


def test_bad_entries_fail_before_any_write_naming_each(simulator, run_playbook):
    users = [student(1), student(2, batches=['No Such Batch']), student(3, birth_date='31/02/2006'), student(1)]
    run = run_playbook([roster(users)], expect_failure=True)
    message = run.result('roster')['msg']
    # One run names every bad entry, in roster order: an unknown name as well as input errors.
    assert message.startswith('3 problems in the roster; nothing was changed:\n'
                              "- users[1] (student-002): batches: no batch named 'No Such Batch'")
    assert '\n- users[2] (student-003): birth_date' in message
    assert message.endswith('\n- users[3] (student-001): the username is listed twice, first at users[0]')
    assert run.writes == []


def test_one_entry_the_server_rejects_fails_alone_and_a_fixed_rerun_converges(simulator, run_playbook):
    users = [student(number) for number in range(10)]
    users[4]['email'] = 'student004@exa_mple.com'  # well-formed to the collection, refused by the server
    run = run_playbook([roster(users)], expect_failure=True)
    result = run.result('roster')
    assert [failure['username'] for failure in result['failures']] == ['student-004']
    assert 'POST /api/v2.5/admin/users/: 400 email' in result['failures'][0]['msg']
    assert 'student-004' in result['msg'] and result['summary']['created'] == 9 and result['summary']['failed'] == 1
    assert simulator.user('student-004') is None and simulator.user('student-009') is not None

    users[4]['email'] = 'student004@example.com'
    fixed = run_playbook([roster(users)])
    assert fixed.result('roster')['summary']['created'] == 1 and fixed.result('roster')['summary']['unchanged'] == 9
    assert len(simulator.user_batch_ids('student-004')) == 2
    assert run_playbook([roster(users)]).writes == []


@pytest.mark.long
def test_under_throttling_and_gateway_errors_100_students_converge_without_duplicates(simulator, run_playbook):
    students = [student(number) for number in range(100)]
    # Every 40th call 429 with the Retry-After: 0 a proxy sends (each waits as a bare 429: 1 s, 2, ...,
    # and lowers the rate, so the denser faults of a Retry-After the client skipped would take minutes).
    simulator.faults.update(throttle_every=40, unavailable_every=7, retry_after=0)
    # 8 workers share the fault counter, so about 4 calls in 10 fail and a call can meet several faults in a
    # row: a bad night calls for more retries than the default 5.
    run = run_playbook([roster(students, max_retries=12)])
    assert run.result('roster')['summary']['created'] == 100
    assert any(entry['status'] == 503 for entry in run.log) and any(entry['status'] == 429 for entry in run.log)
    assert len(simulator.users) == 105
    simulator.faults.update(throttle_every=0, unavailable_every=0)
    assert run_playbook([roster(students)]).writes == []
    assert all(len(simulator.user_batch_ids(entry['username'])) == 2 for entry in students)


def test_the_api_s_own_spelling_is_a_no_op(simulator, run_playbook):
    users = [{'username': 'john', 'state_code': 'Tamil Nadu', 'birth_date': '03/07/1994',
              'custom_fields': {'roll number': 'R-001'}, 'email': 'JOHN@example.com', 'batches': ['UPSC'],
              'expires': '2030-01-31'}]
    run = run_playbook([roster(users)], check=True)
    assert run.result('roster')['changed'] is False and run.writes == []
    assert run_playbook([roster(users)]).writes == []


def test_exact_with_empty_lists_past_max_removals_fails_before_any_write(simulator, run_playbook):
    # john: 2 batches and 1 course, jdoe: 1 batch and 2 courses; emptying all is 6 removals.
    users = [{'username': name, 'batches': [], 'courses': []} for name in ('john', 'jdoe')]
    run = run_playbook([roster(users, membership='exact', max_removals=5)], expect_failure=True)
    assert 'would remove 6 (0 accounts deleted, 0 deactivated, 0 locked out, 6 memberships removed)' in run.result('roster')['msg']
    assert run.writes == [] and simulator.user_batch_ids('john') == [21, 22]
    assert len(run_playbook([roster(users, membership='exact', max_removals=6)]).writes) == 4


def test_unlisted_delete_past_max_removals_fails_before_any_write(simulator, run_playbook):
    run = run_playbook([roster([{'username': 'john'}], unlisted_users='delete', max_removals=2)], expect_failure=True)
    assert 'would remove 3 (3 accounts deleted, 0 deactivated, 0 locked out, 0 memberships removed)' in run.result('roster')['msg']
    assert run.writes == [] and usernames(simulator) == sorted(SEEDED)


def examples_playbook(tmp_path, name, examples):
    """The examples as a playbook beside a copy of playbooks/rosters/, which they read."""
    if not (tmp_path / 'rosters').exists():
        shutil.copytree(REPO_ROOT / 'playbooks' / 'rosters', tmp_path / 'rosters')
    path = tmp_path / name
    path.write_text(yaml.safe_dump([{'name': 'examples', 'hosts': 'localhost', 'gather_facts': False,
                                     'tasks': examples}], sort_keys=False))
    return path


@pytest.mark.core_matrix
def test_the_examples_run_and_a_rerun_changes_nothing(simulator, run_playbook, module_examples, tmp_path):
    variables = {'testpress_url': simulator.url, 'testpress_admin': 'admin', 'testpress_admin_password': 'admin-pass',
                 'testpress_token': simulator.issue_token('admin'), 'initial_password': 'First-Login-2026!'}
    examples = module_examples('testpress_roster')
    # The first example and the others declare different rosters: each is run, then run again, on its own.
    for name, tasks, changed in (('inline.yml', examples[:1], [True]), ('files.yml', examples[1:], [True, False, False])):
        playbook = examples_playbook(tmp_path, name, tasks)
        run = run_playbook(playbook, extra_vars=variables)
        assert [result['changed'] for result in run.results] == changed
        again = run_playbook(playbook, extra_vars=variables)
        assert again.writes == [] and not again.changed
    assert simulator.user('meena') is not None and simulator.user('john')['is_active'] is False
    audit = again.result('Audit, changing nothing - what differs between the roster and the institute?')
    assert audit['summary']['unchanged'] == 4 and audit['changes'] == []


def test_an_empty_roster_removes_nothing_whatever_the_guards_allow(simulator, run_playbook):
    run = run_playbook([roster([], unlisted_users='delete', max_removals=1000, max_removals_percent=100)],
                       expect_failure=True)
    assert 'the roster lists no account, and unlisted_users=delete would remove every account' in run.result('roster')['msg']
    assert run.writes == [] and usernames(simulator) == sorted(SEEDED)


def test_a_small_institute_is_guarded_by_its_share_not_only_by_the_count(simulator, run_playbook):
    # 3 unlisted students deactivated of 5 accounts: under max_removals=50, over 10 % (1 account).
    run = run_playbook([roster([{'username': 'john'}], unlisted_users='deactivate')], expect_failure=True)
    message = run.result('roster')['msg']
    assert "more active accounts (3) than max_removals_percent=10 allows (1 of the institute's 5 active accounts" in message
    assert run.writes == [] and all(simulator.user(name)['is_active'] for name in SEEDED)


def test_locking_listed_students_out_counts_against_max_removals(simulator, run_playbook):
    users = [{'username': 'john', 'batches': ['UPSC'], 'expires': '2020-01-31'},
             {'username': 'jdoe', 'is_active': False}, {'username': 'johnny', 'is_blocked': True}]
    run = run_playbook([roster(users, max_removals=2, max_removals_percent=100)], expect_failure=True)
    assert ('would remove 3 (0 accounts deleted, 0 deactivated, 3 locked out, 0 memberships removed), more than '
            'max_removals=2' in run.result('roster')['msg'])
    assert run.writes == [] and simulator.user('jdoe')['is_active'] is True
    assert len(run_playbook([roster(users, max_removals=3, max_removals_percent=100)]).writes) == 3


def test_staff_accounts_are_never_swept_as_unlisted(simulator, run_playbook):
    simulator.add_user('teacher', is_staff=True)
    simulator.add_user('ops', is_staff=True)
    run = run_playbook([roster([{'username': 'john'}], unlisted_users='delete', max_removals_percent=100)])
    assert usernames(simulator) == ['admin', 'john', 'ops', 'teacher']
    assert run.result('roster')['summary']['deleted'] == 3


def test_padded_cells_converge_against_the_existing_account_and_rerun_with_no_write(simulator, run_playbook):
    users = [{'username': ' john ', 'first_name': ' John ', 'last_name': 'Murugan  ', 'email': ' john@example.com',
              'city': ' Salem ', 'batches': [' UPSC ', 'UPSC Morning Batch '], 'custom_fields': {' Roll Number ': ' R-001 '}}]
    run = run_playbook([roster(users)])
    assert run.result('roster')['summary']['created'] == 0 and run.result('roster')['failures'] == []
    assert [entry['body'] for entry in run.writes] == [{'username': 'john', 'last_name': 'Murugan', 'city': 'Salem'}]
    again = run_playbook([roster(users)])
    assert again.writes == [] and again.result('roster')['changed'] is False


def test_a_full_row_marked_absent_deletes_the_account_and_says_what_it_ignored(simulator, run_playbook):
    users = [{'username': 'johnny', 'state': 'absent', 'first_name': 'Johnny', 'email': 'not-an-email',
              'batches': ['UPSC']}]
    johnny = simulator.user('johnny')['id']
    run = run_playbook([roster(users)])
    assert [(entry['method'], entry['path']) for entry in run.writes] == [('DELETE', '/api/v2.2/admin/users/%d/' % johnny)]
    assert run.result('roster')['changes'] == [{'username': 'johnny', 'action': 'delete',
                                                'ignored': ['batches', 'email', 'first_name']}]
    assert simulator.user('johnny') is None and run_playbook([roster(users)]).writes == []


@pytest.mark.parametrize('entry, writes', [
    ({'batches': ['UPSC', 'UPSC Morning Batch']}, [('POST', USERS)]),
    ({'batches': ['UPSC'], 'courses': ['TD']}, [('POST', USERS), ('POST', USERS + '%d/courses/')]),
    # A batch listed by id may share its name with another: it follows by id (with expires, as a subscription).
    ({'batches': ['UPSC', 22]}, [('POST', USERS), ('POST', USERS + '%d/subscriptions/')]),
])
def test_a_new_student_joins_batches_named_in_its_create_call(simulator, run_playbook, entry, writes):
    users = [dict(entry, username='meena', password='Meena-First-Login!', expires='2031-03-31')]
    check = run_playbook([roster(users)], check=True)
    assert check.writes == [] and check.result('roster')['summary']['created'] == 1
    run = run_playbook([roster(users)])
    meena = simulator.user('meena')['id']
    expected = [(method, path.replace('%d', str(meena))) for method, path in writes]
    assert [(write['method'], write['path']) for write in run.writes] == expected
    create = run.writes[0]['body']
    if all(isinstance(item, str) for item in entry['batches']):
        assert create['batches'] == entry['batches'] and create['expires'] == '2031-03-31'
    else:
        assert 'batches' not in create
    assert len(simulator.user_batch_ids('meena')) == len(entry['batches'])
    assert set(simulator.user_expiries('meena').values()) == {'2031-03-31'}
    assert run_playbook([roster(users)]).writes == []


def test_new_accounts_take_the_initial_password_and_existing_ones_never_do(simulator, run_playbook):
    users = [{'username': 'meena', 'first_name': 'Meena'}, {'username': 'john', 'city': 'Salem'},
             {'username': 'ravi', 'password': 'Ravi-Own-Pass!'}]
    task = roster(users, initial_password='First-Login-2026!', update_password='always')
    run = run_playbook([task])
    assert run.result('roster')['summary']['created'] == 2
    assert simulator.check_password('meena', 'First-Login-2026!') and simulator.check_password('ravi', 'Ravi-Own-Pass!')
    john = [entry['body'] for entry in run.writes if entry['path'].endswith('/%d/' % simulator.user('john')['id'])]
    assert john == [{'username': 'john', 'city': 'Salem'}]


def test_without_a_password_the_api_makes_one_and_mails_it(simulator, run_playbook):
    task = roster([{'username': 'meena'}], auto_generate_password=True, notify_credential=True)
    run = run_playbook([task])
    (create,) = run.writes
    assert create['query'] == {'auto_generate_password': 'true', 'notify_credential': 'true'}
    assert 'password' not in create['body'] and simulator.notified == ['meena']
    assert run_playbook([task]).writes == []


ECHOED_PASSWORDS = ['Q7z', 'pässwort-Ωmega "x"\\y', 'Cut-Me-Short-Secret-77']


def test_entry_passwords_a_server_echoes_in_any_spelling_never_reach_failures(simulator, run_playbook):
    simulator.inject(answer='echo', method='POST', path='/api/v2.5/admin/users/', times=None)
    users = [student(number, password=password) for number, password in enumerate(ECHOED_PASSWORDS)]
    run = run_playbook([roster(users)], expect_failure=True)          # the harness scans it too, every length
    failures = run.result('roster')['failures']
    assert sorted(failure['username'] for failure in failures) == ['student-000', 'student-001', 'student-002']
    for failure, password in zip(sorted(failures, key=lambda failure: failure['username']), ECHOED_PASSWORDS):
        message = failure['msg']
        assert 'Unable to log in with provided credentials.' in message
        for spelling in (password, ascii(password)[1:-1], password.encode('unicode_escape').decode('ascii'),
                         re.escape(password), ''.join('\\' + char for char in password), password[:len(password) // 2]):
            assert spelling not in message, (password, spelling)
        assert 'x%sy' % password not in message
    assert len(simulator.users) == 5                                       # nothing created


def test_an_update_acknowledged_but_not_applied_is_a_failure_of_that_account_only(simulator, run_playbook):
    users = [student(number) for number in range(3)]
    run_playbook([roster(users)])
    ignored = simulator.user('student-001')
    simulator.inject(answer='ignore', method='PUT', path='%s%d/' % (USERS, ignored['id']))
    changed = [dict(entry, city='Madurai') for entry in users]
    run = run_playbook([roster(changed)], expect_failure=True)
    result = run.result('roster')
    assert result['summary']['updated'] == 2 and result['summary']['failed'] == 1
    (failure,) = result['failures']
    assert failure['username'] == 'student-001' and failure['action'] == 'update'
    assert failure['msg'].startswith("PUT %s%d/: 200 the API accepted the update of 'student-001' but did not apply it: "
                                     'its answer holds another city than was sent.' % (USERS, ignored['id']))
    assert [simulator.user(entry['username'])['city'] for entry in users] == ['Madurai', 'Chennai', 'Madurai']
    assert [entry['method'] for entry in run.writes] == ['PUT'] * 3
