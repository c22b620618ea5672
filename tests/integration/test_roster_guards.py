# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""testpress_roster's guards through the real ansible-playbook: the share of active accounts, staff that the
user list does not mark, padded login names, entries that would take over a protected account, the token's
owner where ``GET /api/v2.2/me/`` is not served, and a plan a guard stops, reported by the audit playbook.

Each run a guard stops asserts zero POST/PUT/DELETE in the simulator's request log. Seed: admin (the login),
student0, john, johnny, jdoe.
"""

from __future__ import annotations

import pytest

from ansible_collections.testpress.lms.tests.integration.test_roster import SEEDED, USERS, edit_on_platform, roster, usernames

DELETE = '/api/v2.2/admin/users/'


def active(simulator):
    return sorted(record['username'] for record in simulator.users.values() if record['is_active'])


def test_the_share_guard_counts_only_active_accounts(simulator, run_playbook):
    # 12 active accounts (the seed's 5 and 7 more) and 90 old inactive ones; a one-entry roster, every default.
    for number in range(7):
        simulator.add_user('active%d' % number)
    for number in range(90):
        simulator.add_user('old%02d' % number)
        edit_on_platform(simulator, 'old%02d' % number, is_active=False)
    run = run_playbook([roster([{'username': 'john'}], unlisted_users='deactivate')], expect_failure=True)
    message = run.result('roster')['msg']
    assert ("the roster would remove 10 (0 accounts deleted, 10 deactivated, 0 locked out, 0 memberships removed), more "
            "active accounts (10) than max_removals_percent=10 allows (2 of the institute's 12 active accounts; raise it "
            "to 76); from active0 (deactivated), " in message)
    assert run.writes == [] and len(active(simulator)) == 12


@pytest.mark.parametrize('unlisted_users', ['deactivate', 'delete'])
def test_a_sweep_of_a_list_that_marks_no_staff_fails_unless_protected_users_is_given(simulator, run_playbook,
                                                                                     unlisted_users):
    simulator.add_user('admin2', is_staff=True)
    simulator.configure(staff_marked=False)
    task = roster([{'username': 'john'}], unlisted_users=unlisted_users, max_removals_percent=100)
    run = run_playbook([task], expect_failure=True)
    assert run.result('roster')['msg'].startswith(
        'unlisted_users=%s: the user list does not say which accounts are staff (account ' % unlisted_users)
    assert 'check staff_marked' in run.result('roster')['msg'] and 'protected_users' in run.result('roster')['msg']
    assert run.writes == [] and simulator.user('admin2')['is_active'] is True

    swept = run_playbook([roster([{'username': 'john'}], unlisted_users=unlisted_users, max_removals_percent=100,
                                 protected_users=['admin2'])])
    assert simulator.user('admin2')['is_active'] is True and simulator.user('admin')['is_active'] is True
    assert len(swept.writes) == 3


def test_a_padded_login_name_and_padded_protected_users_still_protect_their_accounts(simulator, run_playbook):
    run = run_playbook([roster([{'username': 'john'}], unlisted_users='delete', max_removals_percent=100,
                               api_username='admin ', protected_users=[' jdoe '])])
    assert sorted(entry['path'] for entry in run.writes) == [DELETE + '%d/' % 1881, DELETE + '%d/' % 1883]
    assert usernames(simulator) == ['admin', 'jdoe', 'john']


def test_a_roster_entry_never_takes_over_a_protected_account_unless_manage_protected(simulator, run_playbook, tmp_path):
    src = tmp_path / 'students.csv'
    src.write_text('username,first_name,email\njohn,John,john@example.com\nadmin,Admin,evil@attacker.example\n'
                   'jdoe,Jane,evil@attacker.example\n', encoding='utf-8')
    task = {'name': 'roster', 'testpress.lms.testpress_roster': {'src': str(src), 'protected_users': ['jdoe']}}
    run = run_playbook([task], expect_failure=True)
    message = run.result('roster')['msg']
    assert message.startswith('2 problems in the roster; nothing was changed:\n')
    for row, username, why in ((3, 'admin', 'the account this task logs in with, api_username'),
                               (4, 'jdoe', 'listed in protected_users')):
        assert ('%s, row %d (%s): is protected (%s); the entry would change its email, which a roster changes on such an '
                'account only with manage_protected: true' % (src, row, username, why)) in message
    assert run.writes == [] and simulator.user('admin')['email'] != 'evil@attacker.example'

    task['testpress.lms.testpress_roster']['manage_protected'] = True
    managed = run_playbook([task])
    assert simulator.user('jdoe')['email'] == 'evil@attacker.example'
    assert sorted(entry['path'] for entry in managed.writes if entry['method'] == 'PUT') == [
        USERS + '%d/' % simulator.user(name)['id'] for name in ('admin', 'jdoe')]


def test_the_token_s_owner_is_found_by_its_user_id_where_me_is_not_served(simulator, run_playbook):
    # The seeds' token shape: username claim 38 (the id), user_id, email; /me not served; staff not marked, and
    # protected_users: [] says there is no other staff. api_username is set too: the token is what acts.
    simulator.add_user('ops', is_staff=True)
    simulator.configure(me_status=404, staff_marked=False, token_claims='id')
    token = simulator.issue_token('ops')
    task = roster([{'username': 'john'}], unlisted_users='delete', max_removals_percent=100, protected_users=[],
                  api_token='{{ ops_token }}')
    run = run_playbook([task], extra_vars={'ops_token': token})
    assert any(entry['path'] == '/api/v2.2/me/' and entry['status'] == 404 for entry in run.log)
    assert usernames(simulator) == ['admin', 'john', 'ops']
    assert run.result('roster')['summary']['deleted'] == 3


def test_a_check_mode_run_a_guard_stops_still_returns_its_plan(simulator, run_playbook):
    run = run_playbook([roster([{'username': 'john'}], unlisted_users='delete', max_removals=2)], check=True,
                       expect_failure=True)
    result = run.result('roster')
    assert run.writes == [] and usernames(simulator) == sorted(SEEDED)
    assert result['summary']['deleted'] == 3 and sorted(change['username'] for change in result['changes']) == [
        'jdoe', 'johnny', 'student0']
    assert result['guard']['exceeded'] == [{'option': 'max_removals', 'limit': 2, 'needed': 3},
                                           {'option': 'max_removals_percent', 'limit': 10, 'needed': 41}]
    assert 'raise it to 3' in result['msg'] and 'from jdoe (deleted), johnny (deleted), student0 (deleted);' in result['msg']


@pytest.mark.core_matrix
def test_the_audit_playbook_writes_the_report_of_a_plan_a_guard_stops_then_fails(simulator, run_playbook, tmp_path):
    report_dir = tmp_path / 'reports'
    audit = run_playbook('playbooks/audit.yml', extra_vars={'report_dir': str(report_dir), 'roster_unlisted_users': 'delete',
                                                            'roster_max_removals_percent': 50},
                         env={'TESTPRESS_INITIAL_PASSWORD': None}, expect_failure=True)
    assert audit.writes == []
    markdown = (report_dir / 'drift-report.md').read_text(encoding='utf-8')
    assert markdown.startswith('# Roster drift report\n\n## Blocked by a guard\n\nNothing was changed:')
    assert 'raise `max_removals_percent` to 61.' in markdown and '| `johnny` | account | exists | deleted |' in markdown
    failed = audit.result('Fail when a removal guard stopped the plan')
    assert failed['failed'] and 'max_removals_percent=50' in failed['msg'] and 'drift-report.md' in failed['msg']
