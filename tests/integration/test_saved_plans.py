# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Saved plans (testpress_roster's plan_file), run by the real ansible-playbook against the simulator.

A check-mode run saves its plan; a normal run applies exactly that plan, or fails before any write naming what
moved since the review. Each test asserts the result and the simulator's request log.
"""

from __future__ import annotations

import datetime
import json
import stat

import pytest

MODULE = 'testpress.lms.testpress_roster'
USERS = '/api/v2.5/admin/users/'
DELETE_USERS = '/api/v2.2/admin/users/'
SECRET = 'Plan-Secret-Pw-4471!'
INITIAL = 'Initial-Secret-Pw-9902!'
AUDIT = 'playbooks/audit.yml'
ROSTER = 'playbooks/roster.yml'
ROSTER_USERS = [
    {'username': 'john', 'last_name': 'Smythe', 'batches': ['UPSC', 'Test Batch']},
    {'username': 'johnny', 'city': 'Bengaluru'},
    {'username': 'jdoe', 'first_name': 'Jane'},
    {'username': 's-new', 'first_name': 'New', 'password': SECRET, 'batches': ['NEET Morning Batch']},
    {'username': 's-initial', 'first_name': 'Initial'},
    {'username': 'student0', 'state': 'absent'},
]


def roster(plan_file, users=None, **options):
    options = dict({'membership': 'exact', 'max_removals_percent': 100}, **options)
    return {'name': 'roster', MODULE: dict(options, users=users or ROSTER_USERS, plan_file=str(plan_file))}


def edit_on_platform(simulator, username, **fields):
    """Change an account behind the collection's back, as a student or another admin would."""
    with simulator._lock:
        simulator._by_username[username].update(fields)


def ids(simulator):
    users = dict((username, record['id']) for username, record in simulator._by_username.items())
    batches = dict((batch['name'], batch['id']) for batch in simulator.batches.values())
    return users, batches


def calls(run):
    return sorted((entry['method'], entry['path'], tuple(sorted(entry.get('body') or {}))) for entry in run.writes)


def plan_and_apply_env():
    return {'TESTPRESS_INITIAL_PASSWORD': INITIAL}


@pytest.mark.core_matrix
def test_a_saved_plan_applies_exactly_its_calls_and_the_same_diff(simulator, run_playbook, tmp_path):
    plan_file = tmp_path / 'roster.plan'
    users, batches = ids(simulator)
    plan = run_playbook([roster(plan_file)], check=True, diff=True, env=plan_and_apply_env())
    reviewed = plan.result('roster')
    assert plan.writes == [] and stat.S_IMODE(plan_file.stat().st_mode) == 0o600
    saved = json.loads(plan_file.read_text(encoding='utf-8'))
    assert saved['digest'] == reviewed['plan_digest']
    changes = dict((account['username'], account['change']) for account in saved['accounts'])
    assert changes == {
        'john': {'action': 'update', 'before': {'last_name': 'Smith'}, 'after': {'last_name': 'Smythe'},
                 'batches': {'added': ['Test Batch'], 'removed': ['UPSC Morning Batch']}},
        'johnny': {'action': 'update', 'before': {'city': ''}, 'after': {'city': 'Bengaluru'}},
        's-new': {'action': 'create', 'before': {}, 'after': {'first_name': 'New', 'password': 'set on create',
                                                              'username': 's-new'}, 'batches': {'added': ['NEET Morning Batch']}},
        's-initial': {'action': 'create', 'before': {}, 'after': {'first_name': 'Initial', 'password': 'set on create',
                                                                  'username': 's-initial'}},
        'student0': {'action': 'delete'},
    }
    assert dict((account['username'], account['read']) for account in saved['accounts'])['john'] == {
        'last_name': 'Smith', 'batches': ['UPSC', 'UPSC Morning Batch']}

    applied = run_playbook([roster(plan_file)], diff=True, env=plan_and_apply_env())
    result = applied.result('roster')
    assert result['changed'] is True and result['failures'] == [] and result['plan_digest'] == saved['digest']
    # Exactly the plan's calls: the two updates, john's batch added and removed, the two creates, the delete.
    assert calls(applied) == sorted([
        ('PUT', '%s%d/' % (USERS, users['john']), ('last_name', 'username')),
        ('POST', '%s%d/batches/' % (USERS, users['john']), ('batches',)),
        ('DELETE', '%s%d/batches/' % (USERS, users['john']), ('batches',)),
        ('PUT', '%s%d/' % (USERS, users['johnny']), ('city', 'username')),
        ('POST', USERS, ('batches', 'first_name', 'password', 'username')),
        ('POST', USERS, ('first_name', 'password', 'username')),
        ('DELETE', '%s%d/' % (DELETE_USERS, users['student0']), ()),
    ])
    john_writes = [entry['body'] for entry in applied.writes if entry['path'].endswith('%d/batches/' % users['john'])]
    assert sorted(map(json.dumps, john_writes)) == sorted([json.dumps({'batches': [batches['Test Batch']]}),
                                                           json.dumps({'batches': [batches['UPSC Morning Batch']]})])
    # What the review showed is what the apply did, diff and all.
    assert result['diff'] == reviewed['diff'] and result['changes'] == reviewed['changes']
    assert simulator.check_password('s-new', SECRET) and simulator.check_password('s-initial', INITIAL)


def test_an_account_changed_between_plan_and_apply_fails_the_apply_naming_it(simulator, run_playbook, tmp_path):
    plan_file = tmp_path / 'roster.plan'
    run_playbook([roster(plan_file)], check=True, env=plan_and_apply_env())
    # A student edits their own profile after the review.
    edit_on_platform(simulator, 'john', last_name='Smithers')
    stale = run_playbook([roster(plan_file)], env=plan_and_apply_env(), expect_failure=True)
    message = stale.result('roster')['msg']
    assert stale.writes == []
    assert 'plan_file: the saved plan %s is stale' % plan_file in message
    assert "- john: last_name was 'Smith' when reviewed, is 'Smithers' now" in message
    assert message.count('\n- ') == 1, message


@pytest.mark.parametrize('changed', [
    {'users': ROSTER_USERS[:-1] + [{'username': 'student0', 'state': 'absent'}, {'username': 'extra', 'first_name': 'X'}]},
    {'membership': 'present'},
    {'unlisted_users': 'deactivate'},
], ids=['roster', 'membership', 'unlisted_users'])
def test_a_changed_roster_or_option_fails_the_apply_before_any_write(simulator, run_playbook, tmp_path, changed):
    plan_file = tmp_path / 'roster.plan'
    run_playbook([roster(plan_file)], check=True, env=plan_and_apply_env())
    stale = run_playbook([roster(plan_file, **changed)], env=plan_and_apply_env(), expect_failure=True)
    message = stale.result('roster')['msg']
    assert stale.writes == [] and 'is stale' in message
    if 'users' in changed:
        assert '- the roster is not the one reviewed (its digest differs)' in message
        assert "- extra: no change was reviewed, one is planned now: create (first_name empty -> 'X'" in message
    else:
        (option, value), = changed.items()
        assert "- option %s was '%s' when reviewed, is '%s' now" % (
            option, 'exact' if option == 'membership' else 'ignore', value) in message


def test_an_old_missing_or_foreign_plan_fails_before_any_write(simulator, run_playbook, tmp_path):
    plan_file = tmp_path / 'roster.plan'
    run_playbook([roster(plan_file)], check=True, env=plan_and_apply_env())
    saved = json.loads(plan_file.read_text(encoding='utf-8'))
    two_days_ago = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=2)
    plan_file.write_text(json.dumps(dict(saved, created=two_days_ago.strftime('%Y-%m-%dT%H:%M:%SZ'))))
    foreign_file = tmp_path / 'foreign.plan'
    foreign_file.write_text(json.dumps(dict(saved, institute='https://other.testpress.in')))
    missing = tmp_path / 'never-saved.plan'
    # The three applies in one run, each failing on its own: no call at all in the run, not even a login.
    run = run_playbook([dict(roster(plan_file), name='old', ignore_errors=True),
                        dict(roster(foreign_file), name='foreign', ignore_errors=True),
                        dict(roster(missing), name='absent', ignore_errors=True)], env=plan_and_apply_env())
    old, foreign, absent = run.result('old'), run.result('foreign'), run.result('absent')
    assert run.log == [] and old['failed'] and foreign['failed'] and absent['failed']
    assert 'is stale: it was made 48h00m ago' in old['msg'] and 'more than plan_max_age=24h' in old['msg']
    assert 'is a plan for https://other.testpress.in, not for' in foreign['msg']
    assert 'plan_file: no saved plan at %s' % missing in absent['msg']


def test_a_plan_file_holds_no_secret_of_the_roster(simulator, run_playbook, tmp_path):
    plan_file = tmp_path / 'roster.plan'
    users = [dict(ROSTER_USERS[3], custom_fields={'Roll Number': 'R-77'}),
             {'username': 'john', 'password': SECRET, 'last_name': 'Smith'}]
    run_playbook([roster(plan_file, users=users, update_password='always')], check=True, env=plan_and_apply_env())
    text = plan_file.read_text(encoding='utf-8')
    for secret in (SECRET, INITIAL, SECRET[:8], SECRET[-8:], 'pbkdf2_sha256$', '********'):
        assert secret not in text
    accounts = dict((account['username'], account) for account in json.loads(text)['accounts'])
    assert accounts['john']['change']['after'] == {'password': 'sent again (update_password: always)'}
    assert accounts['s-new']['change']['after']['password'] == 'set on create'


@pytest.mark.core_matrix
def test_the_shipped_audit_saves_the_plan_that_the_shipped_roster_applies(simulator, run_playbook, tmp_path):
    plan_file = tmp_path / 'roster.plan'
    report_dir = tmp_path / 'reports'
    env = dict(plan_and_apply_env(), TESTPRESS_PLAN_FILE=str(plan_file))
    audit = run_playbook(AUDIT, extra_vars={'report_dir': str(report_dir)}, env=env)
    digest = audit.result('Compare the institute with the roster, changing nothing')['plan_digest']
    report = (report_dir / 'drift-report.md').read_text(encoding='utf-8')
    assert audit.writes == [] and 'Saved plan `%s`' % digest in report
    assert json.loads((report_dir / 'drift-report.json').read_text(encoding='utf-8'))['plan_digest'] == digest

    applied = run_playbook(ROSTER, extra_vars={'plan_file': str(plan_file)}, env=plan_and_apply_env())
    assert applied.result('Bring the institute to the roster')['plan_digest'] == digest
    assert len(applied.writes) > 0 and applied.result('Bring the institute to the roster')['summary']['created'] == 4

    again = run_playbook(ROSTER, extra_vars={'plan_file': str(plan_file)}, env=plan_and_apply_env(), expect_failure=True)
    assert again.writes == [] and 'is stale' in again.result('Bring the institute to the roster')['msg']
