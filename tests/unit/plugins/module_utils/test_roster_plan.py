# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The roster's pure parts: entries validated before anything is read, the plan with its guards (their own
logic: test_guards.py), and an account written back as a roster entry."""

from __future__ import annotations

import pytest

from ansible_collections.testpress.lms.plugins.module_utils import _entry as rules
from ansible_collections.testpress.lms.plugins.module_utils import _export as export
from ansible_collections.testpress.lms.plugins.module_utils import _guards as guards
from ansible_collections.testpress.lms.plugins.module_utils import _roster as roster
from ansible_collections.testpress.lms.plugins.module_utils._membership import BATCHES, COURSES
from ansible_collections.testpress.lms.plugins.module_utils._membership import plan as membership_plan
from ansible_collections.testpress.lms.plugins.module_utils._users import UserSpec, plan_absent, plan_present


def entry(username='ann', **values):
    raw = dict((key, None) for key in rules.ENTRY_KEYS)
    raw.update(values, username=username)
    return raw


def test_the_entry_shape_is_the_field_table_plus_account_and_membership_keys():
    assert rules.ENTRY_KEYS[:3] == ('username', 'state', 'password')
    assert rules.ENTRY_KEYS[-3:] == ('batches', 'courses', 'expires')
    assert rules.entry_argument_spec()['password']['no_log'] is True


def test_every_bad_entry_is_named_in_one_error():
    entries, found = rules.validate_entries([
        entry('ann', birth_date='31/02/2006'),
        entry('bob', batches=['UPSC', True]),
        entry('', city='Salem'),
        entry('ann'),
        entry('cid', email='cid.example.com'),
        entry('dev', expires='2031-01-01'),
        entry('eve', expires='31/13/2031', batches=['UPSC']),
        'not a dict',
    ], 'on_create')
    with pytest.raises(rules.RosterError) as caught:
        roster.plan_roster(entries, {}, {}, {}, roster.roster_options(options(api_username='admin')), found)
    problems = caught.value.problems
    assert entries == [] and problems == found and len(problems) == 8
    assert problems[0].startswith('users[0] (ann): birth_date')
    assert problems[1].startswith('users[1] (bob): batches: item 2 (True)')
    assert problems[2].startswith('users[2]: username')
    assert problems[3] == 'users[3] (ann): the username is listed twice, first at users[0]'
    assert problems[4].startswith('users[4] (cid): email')
    assert problems[5].startswith('users[5] (dev): expires') and 'list the batches too' in problems[5]
    assert problems[6].startswith('users[6] (eve): expires')
    assert problems[7] == 'users[7]: an entry must be a dict with at least a username'
    assert str(caught.value).startswith('8 problems in the roster; nothing was changed:\n- users[0] (ann)')


def test_an_absent_entry_reads_only_its_username_and_names_what_it_ignores():
    (cid,), problems = rules.validate_entries([entry('cid', state='absent', city='Salem', email='not-an-email',
                                                     batches=['UPSC'], password='pw')])
    assert problems == []
    assert cid.state == 'absent' and cid.items == {} and cid.spec.profile == {}
    assert cid.ignored == ['batches', 'city', 'email']


def test_padded_usernames_are_trimmed_before_they_are_compared():
    entries, problems = rules.validate_entries([entry(' priya '), entry('priya')])
    assert [item.username for item in entries] == ['priya']
    assert problems == ['users[1] (priya): the username is listed twice, first at users[0]']


def test_a_username_that_is_a_list_is_a_problem_of_its_entry_not_a_traceback():
    # Found by test_fuzz_input: {'username': []} raised TypeError (unhashable) where duplicates are looked for.
    entries, problems = rules.validate_entries([{'username': []}, {'username': ['a']}, entry('priya')])
    assert [item.username for item in entries] == ['priya']
    assert len(problems) == 2 and all(problem.startswith('users[') for problem in problems), problems


def test_a_date_of_either_spelling_is_an_expiry():
    (eve,), problems = rules.validate_entries([entry('eve', expires='31/01/2031', batches=['UPSC'])])
    assert problems == [] and eve.expires == '2031-01-31'


def test_valid_entries_keep_their_order_and_normalised_values():
    entries, problems = rules.validate_entries([entry('ann', birth_date='03/07/2006', batches=['UPSC', 21],
                                                      expires='2031-03-31'), entry('bob', state='absent')], 'on_create')
    assert problems == []
    assert [item.username for item in entries] == ['ann', 'bob']
    assert entries[0].spec.profile == {'birth_date': '2006-07-03'}
    assert entries[0].items == {BATCHES: ('UPSC', 21)} and entries[0].expires == '2031-03-31'
    assert entries[1].state == 'absent' and entries[1].items == {}


def options(**values):
    base = {'api_username': None, 'api_token': None, 'protected_users': [], 'unlisted_users': 'ignore',
            'concurrency': 8, 'max_removals': 50, 'max_removals_percent': 10, 'membership': 'present'}
    base.update(values)
    return base


@pytest.mark.parametrize('bad, words', [({'concurrency': 0}, 'concurrency'), ({'concurrency': 33}, 'concurrency'),
                                        ({'max_removals': -1}, 'max_removals'),
                                        ({'max_removals_percent': -1}, 'max_removals_percent'),
                                        ({'max_removals_percent': 101}, 'max_removals_percent')])
def test_out_of_range_options_fail(bad, words):
    with pytest.raises(roster.InputError, match=words):
        roster.roster_options(options(api_username='admin', **bad))


RECORD = {'id': 7, 'username': 'ann', 'first_name': 'Ann', 'last_name': '', 'email': 'Ann@Example.com',
          'birth_date': '03/07/2006', 'state': 'Tamil Nadu', 'state_code': 'IN-TN', 'city': '', 'zip': '',
          'address1': '', 'address2': '', 'phone': '', 'is_active': True, 'is_blocked': False,
          'custom_fields': {'Roll Number': '42'}, 'password_hash': 'x', 'photo': None}


def test_an_account_is_exported_as_a_roster_entry_without_empties_ids_or_secrets():
    batches = ([{'id': 21, 'name': 'UPSC'}, {'id': 30, 'name': 'Batch 09'}], {21: '2031-03-31', 30: '2031-03-31'})
    courses = ([{'id': 282, 'title': 'TD', 'slug': 'td'}], {})
    exported = export.export_entry(RECORD, {BATCHES: batches, COURSES: courses}, {BATCHES: {'Batch 09'}, COURSES: set()})
    assert exported == {'username': 'ann', 'first_name': 'Ann', 'email': 'Ann@Example.com', 'birth_date': '2006-07-03',
                        'state_code': 'IN-TN', 'is_active': True, 'is_blocked': False,
                        'custom_fields': {'Roll Number': '42'}, 'batches': ['UPSC', 30], 'courses': ['TD'],
                        'expires': '2031-03-31'}


def test_expires_is_exported_only_when_every_subscription_ends_on_one_date():
    batches = ([{'id': 21, 'name': 'UPSC'}, {'id': 22, 'name': 'UPSC Morning Batch'}], {21: '2031-03-31', 22: None})
    assert 'expires' not in export.export_entry(RECORD, {BATCHES: batches}, {BATCHES: set()})


def test_a_change_reports_only_the_fields_that_differ():
    spec = UserSpec('ann', {'first_name': 'Ann', 'city': 'Salem'})
    change = roster.UserChange('ann', RECORD, spec, plan_present(spec, RECORD), {}, 'update')
    assert change.report() == {'username': 'ann', 'action': 'update', 'before': {'city': ''}, 'after': {'city': 'Salem'}}
    deleted = roster.UserChange('ann', RECORD, None, plan_absent(RECORD), {}, 'delete')
    assert deleted.report() == {'username': 'ann', 'action': 'delete'} and deleted.removals(TODAY) == 1


TODAY = '2026-12-01'


def account(username, **values):
    return dict(RECORD, id=100 + len(username), username=username, **dict({'is_staff': False}, **values))


def guard(params=None, **values):
    """The plan's options from the task's ``params`` (over a login as admin and unlisted_users deactivate),
    then ``values`` over them."""
    given = options(**dict({'api_username': 'admin', 'unlisted_users': 'deactivate'}, **(params or {})))
    return dict(roster.roster_options(given, today=TODAY), **values)


def plan(users, accounts, params=None, **values):
    entries, problems = rules.validate_entries(users, params.get('update_password', 'on_create') if params else 'on_create')
    return roster.plan_roster(entries, dict((record['username'], record) for record in accounts), {}, {},
                              guard(params, **values), problems)


INSTITUTE = [account('admin', is_staff=True), account('ann'), account('bob'), account('cid'), account('dev'),
             account('teacher', is_staff=True), account('root', is_superuser=True)]


def test_an_empty_roster_never_removes_unlisted_accounts():
    with pytest.raises(rules.RosterError, match='the roster lists no account, and unlisted_users=delete would remove'):
        plan([], INSTITUTE, unlisted_users='delete', max_removals_percent=100)


def test_the_share_guard_stops_a_small_institute_being_wiped_below_the_count():
    with pytest.raises(rules.RosterError) as caught:
        plan([entry('ann')], INSTITUTE)
    assert caught.value.problems == [
        "the roster would remove 3 (0 accounts deleted, 3 deactivated, 0 locked out, 0 memberships removed), more "
        "active accounts (3) than max_removals_percent=10 allows (1 of the institute's 7 active accounts; raise it to 29); "
        "from bob (deactivated), cid (deactivated), dev (deactivated); check the roster file, or raise "
        "max_removals_percent on purpose for this run"]
    changes = plan([entry('ann')], INSTITUTE, max_removals_percent=50)
    assert sorted(change.username for change in changes if change.changed) == ['bob', 'cid', 'dev']


def test_the_share_is_of_the_active_accounts_old_inactive_ones_do_not_widen_it():
    # 12 active accounts (admin among them) and 90 inactive ones; a one-entry roster deactivates 10 actives.
    institute = ([account('admin', is_staff=True)] + [account('active%02d' % number) for number in range(11)]
                 + [account('old%02d' % number, is_active=False) for number in range(90)])
    with pytest.raises(guards.GuardError) as caught:
        plan([entry('active00')], institute)
    assert ("more active accounts (10) than max_removals_percent=10 allows (2 of the institute's 12 active accounts; "
            "raise it to 76)" in str(caught.value))
    assert caught.value.report['exceeded'] == [{'option': 'max_removals_percent', 'limit': 10, 'needed': 76}]
    assert len(plan([entry('active00')], institute, max_removals_percent=76)) == 11


def test_a_guard_names_the_first_20_accounts_and_every_limit_passed_at_once():
    institute = [account('admin', is_staff=True)] + [account('s%02d' % number) for number in range(30)]
    with pytest.raises(guards.GuardError) as caught:
        plan([entry('s00')], institute, unlisted_users='delete', max_removals=25)
    message = caught.value.problems[0]
    assert ('more than max_removals=25 (raise it to 29) and more active accounts (29) than max_removals_percent=10 allows '
            "(4 of the institute's 31 active accounts; raise it to 91)" in message)
    assert 'from s01 (deleted), s02 (deleted), ' in message and 's20 (deleted) … and 9 more;' in message
    assert 's21' not in message and message.endswith('raise max_removals and max_removals_percent on purpose for this run')
    assert [item['option'] for item in caught.value.report['exceeded']] == ['max_removals', 'max_removals_percent']
    assert sum(1 for change in caught.value.changes if change.action == 'delete') == 29


INSTITUTE_UNMARKED = [dict((key, value) for key, value in record.items() if key not in ('is_staff', 'is_superuser'))
                      for record in INSTITUTE]


@pytest.mark.parametrize('unlisted_users', ['deactivate', 'delete'])
def test_a_sweep_of_a_list_that_marks_no_staff_needs_protected_users_given(unlisted_users):
    with pytest.raises(roster.InputError) as caught:
        plan([entry('ann')], INSTITUTE_UNMARKED, {'protected_users': None}, unlisted_users=unlisted_users,
             max_removals_percent=100)
    assert str(caught.value).startswith("unlisted_users=%s: the user list does not say which accounts are staff "
                                        "(account 'admin' has neither is_staff nor is_superuser" % unlisted_users)
    assert 'staff_marked' in str(caught.value) and 'protected_users: []' in str(caught.value)
    # protected_users given, [] among them, says who the staff are; a list that marks them needs nothing.
    swept = plan([entry('ann')], INSTITUTE_UNMARKED, {'protected_users': ['teacher', 'root']}, unlisted_users=unlisted_users,
                 max_removals_percent=100)
    assert sorted(change.username for change in swept if change.changed) == ['bob', 'cid', 'dev']
    assert len(plan([entry('ann')], INSTITUTE_UNMARKED, {'protected_users': []}, max_removals_percent=100)) == 6
    assert len(plan([entry('ann')], INSTITUTE, {'protected_users': None}, max_removals_percent=100)) == 4
    assert len(plan([entry('ann')], INSTITUTE_UNMARKED, {'protected_users': None}, unlisted_users='ignore')) == 1


@pytest.mark.parametrize('username, why', [('admin', 'the account this task logs in with, api_username'),
                                           ('ops', 'listed in protected_users'),
                                           ('teacher', 'a staff or admin account')])
@pytest.mark.parametrize('values, fields', [({'email': 'evil@attacker.example'}, 'email'),
                                            ({'phone': '+919999999999', 'is_blocked': False}, 'phone'),
                                            ({'password': 'Taken-Over-1!'}, 'password'),
                                            ({'is_active': True, 'is_blocked': False}, None)])
def test_an_entry_never_takes_over_an_account_the_task_may_not_sweep(username, why, values, fields):
    institute = INSTITUTE + [account('ops')]
    users = [entry('ann', city='Salem'), entry(username, first_name='New', **values)]
    params = {'protected_users': ['ops'], 'update_password': 'always', 'unlisted_users': 'ignore'}
    blocked = dict(values, is_active=False, is_blocked=True) if fields is None else values
    with pytest.raises(rules.RosterError) as caught:
        plan([users[0], entry(username, **blocked)] if fields is None else users, institute, params)
    (problem,) = caught.value.problems
    assert problem.startswith('users[1] (%s): is protected (%s)' % (username, why))
    if fields is not None:
        assert problem.endswith('the entry would change its %s, which a roster changes on such an account only with '
                                'manage_protected: true' % fields) and 'Taken-Over' not in problem
        changes = plan(users, institute, dict(params, manage_protected=True))
        assert changes[1].action == 'update' and changes[1].user_plan.body[fields] is not None
    # Names, and values the account already has, are managed as listed.
    assert plan([entry(username, first_name='New', is_active=True, is_blocked=False)], institute, params)[0].action == 'update'


def test_a_listed_staff_account_is_deleted_only_with_manage_protected_the_login_account_never():
    with pytest.raises(rules.RosterError, match=r"users\[0\] \(teacher\): is protected \(a staff or admin account\); a roster "
                                                r"entry deletes it only with manage_protected: true"):
        plan([entry('teacher', state='absent')], INSTITUTE, unlisted_users='ignore')
    assert plan([entry('teacher', state='absent')], INSTITUTE, {'manage_protected': True}, unlisted_users='ignore')
    for params in ({}, {'manage_protected': True}):
        with pytest.raises(rules.RosterError, match=r'\(admin\): is protected \(the account this task logs in with, '
                                                    r'api_username\); it is never deleted'):
            plan([entry('admin', state='absent')], INSTITUTE, params, unlisted_users='ignore')


def test_staff_and_admin_accounts_are_never_swept_as_unlisted_but_are_managed_when_listed():
    changes = plan([entry('teacher', city='Salem')], INSTITUTE, unlisted_users='delete', max_removals_percent=100)
    actions = dict((change.username, change.action) for change in changes if change.changed)
    assert actions == {'teacher': 'update', 'ann': 'delete', 'bob': 'delete', 'cid': 'delete', 'dev': 'delete'}


@pytest.mark.parametrize('values', [{'is_active': False}, {'is_blocked': True}])
def test_locking_listed_accounts_out_counts_as_removals(values):
    users = [entry(name, **values) for name in ('ann', 'bob')]
    with pytest.raises(rules.RosterError, match=r'would remove 2 \(0 accounts deleted, 0 deactivated, 2 locked out'):
        plan(users, INSTITUTE, unlisted_users='ignore', max_removals=1, max_removals_percent=100)
    assert len(plan(users, INSTITUTE, unlisted_users='ignore', max_removals=2, max_removals_percent=100)) == 2


def test_an_expiry_in_the_past_on_held_batches_locks_the_account_out():
    upsc = {'id': 21, 'name': 'UPSC'}
    change = roster.UserChange('ann', RECORD, UserSpec('ann', {}), plan_present(UserSpec('ann', {}), RECORD),
                               {BATCHES: membership_plan(BATCHES, 'present', [upsc], [upsc], '2026-01-31', {21: '2031-03-31'})},
                               'update')
    assert change.locks_out(TODAY) and change.removals(TODAY) == 1
    assert not change.locks_out('2026-01-01')


def test_each_changed_account_is_one_diff_item_named_by_its_header():
    spec = UserSpec('ann', {'city': 'Salem'})
    diff = roster.UserChange('ann', RECORD, spec, plan_present(spec, RECORD), {}, 'update').diff()
    assert diff['before_header'] == diff['after_header'] == 'ann (update)'
    assert diff['before']['city'] == '' and diff['after']['city'] == 'Salem'


@pytest.mark.parametrize('password', ['x', 'pässwort-Ωmega', 'Pa"ss\\word9'])
def test_an_entry_s_password_never_shows_in_its_problem_line_whatever_its_length(password):
    # A spreadsheet row shifted by one cell: the password sits where the email belongs.
    _entries, (problem,) = rules.validate_entries([entry('ann', email=password + ' x', password=password)])
    assert problem.startswith('users[0] (ann): email:') and password not in problem


@pytest.mark.parametrize('values, expected', [
    ({'email': 'Hunter2-prod'}, 'users[0] (ann): email: the value is not an email address'),
    ({'state_code': 'Hunter2-prod'}, 'users[0] (ann): state_code: the value is not an ISO 3166-2:IN state code'),
    ({'birth_date': 'Hunter2-prod'}, 'users[0] (ann): birth_date: the value is not a date'),
])
def test_no_value_of_an_entry_shows_in_its_problem_line_but_its_username(values, expected):
    _entries, (problem,) = rules.validate_entries([entry('ann', **values)])
    assert problem.startswith(expected) and 'Hunter2' not in problem


@pytest.mark.parametrize('raw, problems', [
    ({'username': 'ann', 'frist_name': 'Ann'}, ['not a roster entry key: frist_name (did you mean first_name?)']),
    ({'username': 'ann', 'nickname': 'Hunter2-prod'}, ['not a roster entry key: nickname']),
    ({'username': 'ann', 'is_active': 'Hunter2-prod'}, ['is_active: not a boolean (true/false)']),
    ({'username': 'ann', 'state': 'ABSENT'}, []),
    ('ann', ['an entry must be a dict with at least a username']),
])
def test_an_entry_is_checked_as_the_argument_spec_would_in_the_collection_s_words(raw, problems):
    entry_found, found = rules.checked_entry(raw)
    assert found == problems and 'Hunter2' not in ' '.join(found)
    if raw == {'username': 'ann', 'state': 'ABSENT'}:
        assert entry_found == {'username': 'ann', 'state': 'absent'}


def test_a_run_holds_each_batch_course_and_membership_read_once():
    shared = roster.SharedItems()
    upsc = {'id': 21, 'name': 'UPSC', 'created': '2026-01-01T00:00:00Z', 'url': 'http://testserver/batches/21/'}
    td = {'id': 282, 'title': 'TD', 'slug': 'td', 'description': 'Long text', 'image': 'http://testserver/td.png'}
    ann = shared.membership(BATCHES, ([dict(upsc)], {21: '2031-03-31'}))
    bob = shared.membership(BATCHES, ([dict(upsc)], {21: '2031-03-31'}))
    cid = shared.membership(BATCHES, ([dict(upsc)], {21: '2030-01-01'}))
    assert ann is bob and ann == ([{'id': 21, 'name': 'UPSC'}], {21: '2031-03-31'})
    assert cid is not ann and cid[0][0] is ann[0][0]
    (course,), _expiries = shared.membership(COURSES, ([dict(td)], {}))
    assert course == {'id': 282, 'title': 'TD', 'slug': 'td'}
    first = shared.account({'id': 1, 'username': 'ann', 'state': ''.join(['Tamil ', 'Nadu']), 'photo': 'x.png',
                            'password_hash': 'pbkdf2_sha256$x', 'batches': [dict(upsc)]})
    second = shared.account({'id': 2, 'username': 'bob', 'state': ''.join(['Tamil ', 'Nadu']), 'batches': [dict(upsc)]})
    assert first == {'id': 1, 'username': 'ann', 'state': 'Tamil Nadu', 'batches': [{'id': 21, 'name': 'UPSC'}]}
    assert first['state'] is second['state'] and first['batches'][0] is second['batches'][0] is ann[0][0]
