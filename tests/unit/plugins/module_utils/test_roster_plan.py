# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The roster's pure parts: entries validated before anything is read, the login account read from a token,
the removal guard, and an account written back as a roster entry."""

from __future__ import annotations

import base64
import json

import pytest

from ansible_collections.testpress.lms.plugins.module_utils import _entry as rules
from ansible_collections.testpress.lms.plugins.module_utils import _export as export
from ansible_collections.testpress.lms.plugins.module_utils import _roster as roster
from ansible_collections.testpress.lms.plugins.module_utils._membership import BATCHES, COURSES
from ansible_collections.testpress.lms.plugins.module_utils._membership import plan as membership_plan
from ansible_collections.testpress.lms.plugins.module_utils._users import UserSpec, plan_absent, plan_present


def entry(username='ann', **values):
    raw = dict((key, None) for key in rules.ENTRY_KEYS)
    raw.update(values, username=username)
    return raw


def jwt(claims):
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip('=')
    return '%s.%s.signature' % (part({'alg': 'HS256'}), part(claims))


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
        roster.plan_roster(entries, {}, {}, {}, {'protected': set(), 'membership': 'present', 'unlisted_users': 'ignore',
                                                 'max_removals': 50}, found)
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


def test_a_date_of_either_spelling_is_an_expiry():
    (eve,), problems = rules.validate_entries([entry('eve', expires='31/01/2031', batches=['UPSC'])])
    assert problems == [] and eve.expires == '2031-01-31'


def test_valid_entries_keep_their_order_and_normalised_values():
    entries, problems = rules.validate_entries([entry('ann', birth_date='03/07/2006', batches=['UPSC', 21],
                                                      expires='2031-03-31'), entry('bob', state='absent')], 'on_create')
    assert problems == []
    assert [item.username for item in entries] == ['ann', 'bob']
    assert entries[0].spec.profile == {'birth_date': '2006-07-03'}
    assert entries[0].items == {BATCHES: ['UPSC', 21]} and entries[0].expires == '2031-03-31'
    assert entries[1].state == 'absent' and entries[1].items == {}


@pytest.mark.parametrize('token, username', [
    (jwt({'username': 'admin', 'user_id': 1}), 'admin'),
    (jwt({'user_id': 1}), None),
    (jwt(['admin']), None),
    ('not-a-jwt', None),
    ('a.@@@.c', None),
    (None, None),
])
def test_the_login_account_is_read_from_the_token(token, username):
    assert roster.token_username(token) == username


def options(**values):
    base = {'api_username': None, 'api_token': None, 'protected_users': [], 'unlisted_users': 'ignore',
            'concurrency': 8, 'max_removals': 50, 'max_removals_percent': 10, 'membership': 'present'}
    base.update(values)
    return base


def test_the_login_account_is_always_protected():
    assert roster.roster_options(options(api_username='admin', protected_users=['ops']))['protected'] == {'admin', 'ops'}
    assert roster.roster_options(options(api_token=jwt({'username': 'root'})))['protected'] == {'root'}


def test_every_account_the_task_acts_as_is_protected_the_token_owner_as_the_api_names_it():
    both = roster.roster_options(options(api_username='ops', api_token=jwt({'username': 'root'})), token_owner='admin')
    assert both['protected'] == {'ops', 'admin'}
    assert roster.roster_options(options(api_token='opaque', unlisted_users='delete'), token_owner='admin')['protected'] == {'admin'}


def test_removing_unlisted_accounts_needs_to_know_the_login_account():
    with pytest.raises(roster.InputError, match='protected_users'):
        roster.roster_options(options(api_token='opaque', unlisted_users='delete'))
    assert roster.roster_options(options(api_token='opaque'))['protected'] == set()


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
    return dict(RECORD, id=100 + len(username), username=username, **values)


def guard(**values):
    return dict({'protected': {'admin'}, 'membership': 'present', 'unlisted_users': 'deactivate', 'max_removals': 50,
                 'max_removals_percent': 10, 'today': TODAY}, **values)


def plan(users, accounts, **values):
    entries, problems = rules.validate_entries(users)
    return roster.plan_roster(entries, dict((record['username'], record) for record in accounts), {}, {},
                              guard(**values), problems)


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
        "accounts than max_removals_percent=10 allows (1 of the institute's 7 accounts); check the roster file, or "
        "raise max_removals_percent on purpose"]
    changes = plan([entry('ann')], INSTITUTE, max_removals_percent=50)
    assert sorted(change.username for change in changes if change.changed) == ['bob', 'cid', 'dev']


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
