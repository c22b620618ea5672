# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Saved roster plans (``_plan``): the file a check-mode run saves, what a normal run checks before it reads the
institute (format, version, institute, age), and the comparison that names each account that moved."""

from __future__ import annotations

import datetime
import json
import os
import stat

import pytest

from ansible_collections.testpress.lms.plugins.module_utils import _entry as rules
from ansible_collections.testpress.lms.plugins.module_utils import _plan as saved_plans
from ansible_collections.testpress.lms.plugins.module_utils import _roster as roster
from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError
from ansible_collections.testpress.lms.plugins.module_utils._membership import BATCHES
from ansible_collections.testpress.lms.plugins.module_utils._membership import plan as membership_plan
from ansible_collections.testpress.lms.plugins.module_utils._users import UserSpec, plan_present

URL = 'https://demo.testpress.in'
NOW = datetime.datetime(2026, 12, 4, 12, 0, 0, tzinfo=datetime.timezone.utc)
SECRET = 'Zq9-not-a-real-Secret!'


def entry(username, **values):
    raw = dict((key, None) for key in rules.ENTRY_KEYS)
    raw.update(values, username=username)
    return raw


def params(users, **options):
    values = {'users': users, 'membership': 'exact', 'unlisted_users': 'ignore', 'protected_users': [],
              'update_password': 'on_create', 'notify_credential': True, 'max_removals': 50,
              'max_removals_percent': 10, 'plan_file': None, 'plan_max_age': '24h', 'concurrency': 8}
    values.update(options)
    return values


def record(user_id, username, **fields):
    return dict({'id': user_id, 'username': username, 'first_name': 'First', 'last_name': 'Last'}, **fields)


def changes_of(task, accounts):
    entries, problems = rules.validate_entries(task['users'], task['update_password'],
                                               rules.FirstPassword(auto_generate_password=True))
    assert problems == []
    options = dict(roster.roster_options(dict(task, api_username='admin'), today='2026-12-04'), max_removals_percent=100)
    return roster.plan_roster(entries, dict((item['username'], item) for item in accounts), {}, {}, options)


USERS = [entry('s01', last_name='B'), entry('s02', first_name='New', password=SECRET), entry('s03', city='Salem')]
ACCOUNTS = [record(1, 's01', last_name='A'), record(3, 's03', city='Salem')]


def saved(tmp_path, task=None, accounts=None, now=NOW):
    task = task or params(USERS)
    plan = saved_plans.make(URL, task, saved_plans.roster_key(task['users']), changes_of(task, accounts or ACCOUNTS), now=now)
    path = str(tmp_path / 'roster.plan')
    saved_plans.save(path, plan)
    return path, plan


def test_the_plan_holds_each_changed_account_as_read_and_as_planned_and_no_secret(tmp_path):
    path, plan = saved(tmp_path)
    text = open(path, encoding='utf-8').read()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and json.loads(text) == plan
    assert SECRET not in text and '********' not in text
    assert (plan['format'], plan['version'], plan['institute']) == (saved_plans.FORMAT, 2, URL)
    assert plan['options']['membership'] == 'exact' and 'concurrency' not in plan['options']
    assert [account['username'] for account in plan['accounts']] == ['s01', 's02']
    s01, s02 = plan['accounts']
    assert s01['read'] == {'last_name': 'A'}
    assert s01['change'] == {'action': 'update', 'before': {'last_name': 'A'}, 'after': {'last_name': 'B'}}
    assert s02['read'] is None and s02['change']['action'] == 'create'
    assert s02['change']['after']['password'] == 'set on create'
    assert len(plan['digest']) == 16


def test_the_digest_is_stable_and_tells_plans_apart(tmp_path):
    _path, first = saved(tmp_path)
    _path, second = saved(tmp_path)
    assert first['digest'] == second['digest'] and first['roster']['salt'] != second['roster']['salt']
    _path, other = saved(tmp_path, accounts=[record(1, 's01', last_name='C'), ACCOUNTS[1]])
    assert other['digest'] != first['digest']


def test_a_password_changes_no_digest_and_cannot_be_recovered_from_it():
    with_one = saved_plans.roster_digest(saved_plans.roster_key([entry('s02', password=SECRET)]), 'salt')
    with_another = saved_plans.roster_digest(saved_plans.roster_key([entry('s02', password='another one')]), 'salt')
    assert with_one == with_another != saved_plans.roster_digest(saved_plans.roster_key([entry('s02')]), 'salt')
    assert with_one != saved_plans.roster_digest(saved_plans.roster_key([entry('s02', password=SECRET)]), 'another salt')


def test_an_equal_fresh_plan_is_applied(tmp_path):
    path, plan = saved(tmp_path)
    loaded = saved_plans.load(path, URL + '/', '24h', now=NOW + datetime.timedelta(hours=23))
    task = params(USERS, plan_file=path)
    fresh = saved_plans.check(path, loaded, task, URL, saved_plans.roster_key(task['users']), changes_of(task, ACCOUNTS))
    assert fresh['digest'] == plan['digest']


def test_an_account_changed_since_the_review_is_named_with_both_values(tmp_path):
    path, plan = saved(tmp_path)
    task = params(USERS)
    with pytest.raises(InputError) as caught:
        saved_plans.check(path, plan, task, URL, saved_plans.roster_key(task['users']), changes_of(task, [record(1, 's01', last_name='C'), ACCOUNTS[1]]))
    message = str(caught.value)
    assert "- s01: last_name was 'A' when reviewed, is 'C' now" in message
    assert 's02' not in message and 'roster' not in message.split('\n', 1)[1]


def test_accounts_that_appeared_or_need_a_change_now_are_named(tmp_path):
    path, plan = saved(tmp_path)
    task = params(USERS)
    now = [record(1, 's01', last_name='A'), record(2, 's02', first_name='New'), record(3, 's03', city='Madurai')]
    with pytest.raises(InputError) as caught:
        saved_plans.check(path, plan, task, URL, saved_plans.roster_key(task['users']), changes_of(task, now))
    message = str(caught.value)
    assert ("- s02: create (first_name empty -> 'New'; password empty -> 'set on create') "
            "was reviewed, and no change is needed now") in message
    assert "- s03: no change was reviewed, one is planned now: update (city 'Madurai' -> 'Salem')" in message


@pytest.mark.parametrize('option, value, shown', [
    ('membership', 'present', "option membership was 'exact' when reviewed, is 'present' now"),
    ('unlisted_users', 'deactivate', "option unlisted_users was 'ignore' when reviewed, is 'deactivate' now"),
    ('max_removals', 5, 'option max_removals was 50 when reviewed, is 5 now'),
])
def test_a_changed_option_is_named(tmp_path, option, value, shown):
    path, plan = saved(tmp_path)
    task = params(USERS, **{option: value})
    with pytest.raises(InputError) as caught:
        saved_plans.check(path, plan, task, URL, saved_plans.roster_key(task['users']), changes_of(params(USERS), ACCOUNTS))
    assert '- %s\n' % shown in str(caught.value)


def test_a_changed_roster_is_named_even_when_its_changes_are_the_same(tmp_path):
    path, plan = saved(tmp_path)
    task = params(USERS + [entry('s04')])
    with pytest.raises(InputError) as caught:
        saved_plans.check(path, plan, task, URL, saved_plans.roster_key(task['users']), changes_of(params(USERS), ACCOUNTS))
    assert '- the roster is not the one reviewed (its digest differs)' in str(caught.value)


def test_a_membership_read_is_part_of_the_state_reviewed():
    spec = UserSpec('s05', {})
    current = [{'id': 7, 'name': 'UPSC'}]
    change = roster.UserChange('s05', record(5, 's05'), spec, plan_present(spec, record(5, 's05')),
                               {BATCHES: membership_plan(BATCHES, 'exact', current, [{'id': 8, 'name': 'NEET'}])}, 'update')
    account = saved_plans.account_entry(change)
    assert account['read'] == {'batches': ['UPSC']}
    assert account['change']['batches'] == {'added': ['NEET'], 'removed': ['UPSC']}


def test_many_moved_accounts_are_listed_twenty_then_counted(tmp_path):
    users = [entry('s%03d' % number, city='Salem') for number in range(30)]
    task = params(users)
    reviewed = saved_plans.make(URL, task, saved_plans.roster_key(task['users']), changes_of(task, []), now=NOW)
    now = [record(number + 1, 's%03d' % number) for number in range(30)]
    found = saved_plans.differences(reviewed, saved_plans.make(URL, task, saved_plans.roster_key(task['users']), changes_of(task, now),
                                                               salt=reviewed['roster']['salt']))
    assert len(found) == 21 and found[0] == 's000: did not exist when reviewed, exists now'
    assert found[-1] == '... and 10 more accounts'


def test_a_missing_or_unreadable_plan_fails_naming_the_file(tmp_path):
    missing = str(tmp_path / 'nowhere.plan')
    with pytest.raises(InputError, match='plan_file: no saved plan at %s; save one' % missing):
        saved_plans.load(missing, URL, '24h')
    with pytest.raises(InputError, match='cannot be read'):
        saved_plans.load(str(tmp_path), URL, '24h')
    other = tmp_path / 'other.json'
    other.write_text('[1, 2]')
    with pytest.raises(InputError, match='is not a testpress.lms roster plan'):
        saved_plans.load(str(other), URL, '24h')


def test_a_plan_of_another_version_or_institute_is_refused(tmp_path):
    path, plan = saved(tmp_path)
    with pytest.raises(InputError, match='is a plan for https://demo.testpress.in, not for https://other.testpress.in'):
        saved_plans.load(path, 'https://other.testpress.in', '24h', now=NOW)
    saved_plans.save(path, dict(plan, version=3))
    with pytest.raises(InputError, match='is a plan of format version 3; this collection reads version 2'):
        saved_plans.load(path, URL, '24h', now=NOW)


@pytest.mark.parametrize('age, max_age, stale', [
    (datetime.timedelta(hours=25), '24h', True), (datetime.timedelta(hours=23), '24h', False),
    (datetime.timedelta(minutes=91), '90m', True), (datetime.timedelta(days=2), '3d', False),
])
def test_a_plan_older_than_plan_max_age_is_stale(tmp_path, age, max_age, stale):
    path, _plan = saved(tmp_path)
    if stale:
        with pytest.raises(InputError, match='is stale: it was made .* ago .*, more than plan_max_age=%s' % max_age):
            saved_plans.load(path, URL, max_age, now=NOW + age)
    else:
        assert saved_plans.load(path, URL, max_age, now=NOW + age)['created'] == '2026-12-04T12:00:00Z'


def test_a_plan_dated_ahead_of_the_clock_is_refused(tmp_path):
    path, _plan = saved(tmp_path)
    with pytest.raises(InputError, match='ahead of this machine.s clock'):
        saved_plans.load(path, URL, '24h', now=NOW - datetime.timedelta(hours=1))


@pytest.mark.parametrize('text', ['24', 'a day', '-1h', '1w', ''])
def test_plan_max_age_needs_a_number_and_a_unit(text):
    with pytest.raises(InputError, match='plan_max_age: .* is not a duration'):
        saved_plans.max_age_seconds(text)


def test_a_symbolic_link_at_the_plan_file_is_refused(tmp_path):
    target = tmp_path / 'elsewhere'
    target.write_text('')
    link = tmp_path / 'roster.plan'
    link.symlink_to(target)
    task = params(USERS)
    with pytest.raises(InputError, match='plan_file: the plan cannot be saved: .*symbolic link'):
        saved_plans.save(str(link), saved_plans.make(URL, task, saved_plans.roster_key(task['users']), changes_of(task, ACCOUNTS)))
    assert target.read_text() == ''


def test_institute_urls_compare_without_case_or_trailing_slash():
    assert saved_plans.institute('HTTPS://Demo.Testpress.in/') == URL


def test_with_redact_a_moved_personal_value_is_named_by_its_field_alone(tmp_path):
    path, plan = saved(tmp_path, task=params([entry('s03', city='Salem', last_name='B')]))
    task = params([entry('s03', city='Salem', last_name='B')], redact=True)
    with pytest.raises(InputError) as caught:
        saved_plans.check(path, plan, task, URL, saved_plans.roster_key(task['users']), changes_of(task, [record(3, 's03', city='Madurai', last_name='C')]))
    message = str(caught.value)
    assert "- s03: city changed since the review (redacted); last_name was 'Last' when reviewed, is 'C' now" in message
    assert 'Madurai' not in message and 'Salem' not in message
