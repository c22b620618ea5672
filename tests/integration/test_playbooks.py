# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shipped playbooks, run as a user runs them: provision, roster (YAML and CSV), audit, export."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
import yaml

PROVISION = 'playbooks/provision.yml'
ROSTER = 'playbooks/roster.yml'
AUDIT = 'playbooks/audit.yml'
EXPORT = 'playbooks/export.yml'
STUDENTS = ('asha', 'ravi', 'meena')
EXAMPLE = ('asha', 'ravi', 'meena', 'kiran')
PLAYBOOKS = Path(__file__).resolve().parents[2] / 'playbooks'
ROSTERS = PLAYBOOKS / 'rosters'
INITIAL = {'TESTPRESS_INITIAL_PASSWORD': 'First-Login-2026!'}
# The shipped playbooks are what users run: every ansible-core leg of make test runs all of them.
pytestmark = pytest.mark.core_matrix


def task_changes(run):
    """Per task name, whether each loop item reported a change."""
    return dict((result['task'], [item['changed'] for item in result['results']]) for result in run.results)


@pytest.mark.long
def test_provision_as_an_audit_apply_rerun_and_clean_audit(simulator, run_playbook):
    audit = run_playbook(PROVISION, check=True, diff=True)
    assert audit.writes == []
    assert all(simulator.user(name) is None for name in STUDENTS)
    assert set(map(tuple, task_changes(audit).values())) == {(True, True, True)}

    applied = run_playbook(PROVISION)
    assert set(map(tuple, task_changes(applied).values())) == {(True, True, True)}
    assert [simulator.user(name)['state_code'] for name in STUDENTS] == ['IN-TN', 'IN-KA', 'IN-KL']
    assert len(simulator.user_batch_ids('asha')) == 2 and len(simulator.user_course_ids('ravi')) == 2

    rerun = run_playbook(PROVISION)
    assert rerun.writes == [] and not rerun.changed
    clean_audit = run_playbook(PROVISION, check=True, diff=True)
    assert clean_audit.writes == [] and not clean_audit.changed


def test_provision_gives_no_guessable_first_password(simulator, run_playbook):
    run_playbook(PROVISION)
    # Testpress made each password and mailed it to its student; none follows the name.
    assert sorted(simulator.notified) == sorted(STUDENTS)
    assert not any(simulator.check_password(name, '%s-Welcome-2026' % name) for name in STUDENTS)
    creates = [entry for entry in simulator.log if entry['method'] == 'POST' and entry['path'] == '/api/v2.5/admin/users/']
    assert len(creates) == 3 and not any('password' in entry['body'] for entry in creates)


def test_the_playbooks_directory_runs_with_no_inventory_warning(simulator, run_playbook):
    # ansible-playbook run in playbooks/ reads its ansible.cfg, whose inventory is this machine.
    run = run_playbook(PROVISION, check=True, verbosity=0,
                       env={'ANSIBLE_CONFIG': str(PLAYBOOKS / 'ansible.cfg'), 'ANSIBLE_INVENTORY_UNPARSED_WARNING': None,
                            'ANSIBLE_LOCALHOST_WARNING': None})
    assert 'inventory' not in run.stdout.lower() and 'only localhost' not in run.stdout
    assert run.writes == [] and run.results


def platform(simulator, names):
    """What the institute holds for these accounts: profile, batches with end dates, courses."""
    return dict((name, (simulator.user(name), simulator.user_expiries(name), simulator.user_course_ids(name)))
                for name in names)


def without_times(state):
    return dict((name, (dict((key, value) for key, value in user.items() if key not in ('created', 'modified')),
                        expiries, courses)) for name, (user, expiries, courses) in state.items())


@pytest.mark.parametrize('roster_file', ['rosters/example.yml', 'rosters/example.csv'])
def test_the_example_roster_from_yaml_or_csv_creates_the_same_institute(simulator, run_playbook, roster_file):
    applied = run_playbook(ROSTER, extra_vars={'roster_file': roster_file}, env=INITIAL)
    assert applied.result('Bring the institute to the roster')['summary']['created'] == 4
    assert all(simulator.check_password(name, INITIAL['TESTPRESS_INITIAL_PASSWORD']) for name in EXAMPLE)
    kiran = simulator.user('kiran')
    assert (kiran['city'], kiran['custom_fields']) == ('Kochi, Ernakulam', {'Roll Number': '2026-104'})
    assert set(simulator.user_expiries('kiran').values()) == {'2031-03-31'}
    # The other spelling of the same roster is a no-op on what this one made.
    other = 'rosters/example.csv' if roster_file.endswith('.yml') else 'rosters/example.yml'
    rerun = run_playbook(ROSTER, extra_vars={'roster_file': other}, env=INITIAL)
    assert rerun.writes == [] and not rerun.changed


def test_without_an_initial_password_testpress_makes_and_mails_each_first_password(simulator, run_playbook):
    applied = run_playbook(ROSTER, env={'TESTPRESS_INITIAL_PASSWORD': None})
    assert applied.result('Bring the institute to the roster')['summary']['created'] == 4
    assert sorted(simulator.notified) == sorted(EXAMPLE)
    creates = [entry for entry in applied.writes if entry['path'] == '/api/v2.5/admin/users/']
    assert len(creates) == 4 and not any('password' in entry['body'] for entry in creates)
    assert all(entry['query'].get('auto_generate_password') == 'true' for entry in creates)


def test_a_missing_first_password_names_the_variable_to_set(simulator, run_playbook):
    failed = run_playbook(ROSTER, extra_vars={'roster_auto_generate_password': False},
                          env={'TESTPRESS_INITIAL_PASSWORD': None}, expect_failure=True)
    assert failed.writes == []
    assert 'TESTPRESS_INITIAL_PASSWORD' in failed.result('Bring the institute to the roster')['msg']


def test_the_yaml_and_csv_examples_hold_the_same_students(run_playbook):
    run = run_playbook([{'name': 'read', 'ansible.builtin.set_fact': {
        'from_csv': "{{ lookup('ansible.builtin.file', csv_file) | testpress.lms.roster_from_csv }}"}}],
        extra_vars={'csv_file': str(ROSTERS / 'example.csv')})
    example = yaml.safe_load((ROSTERS / 'example.yml').read_text(encoding='utf-8'))
    assert run.result('read')['ansible_facts']['from_csv'] == example


def read_reports(report_dir):
    return (report_dir / 'drift-report.md').read_text(encoding='utf-8'), \
        json.loads((report_dir / 'drift-report.json').read_text(encoding='utf-8'))


def test_the_audit_reports_exactly_the_drift_and_gates_ci(simulator, run_playbook, tmp_path):
    run_playbook(ROSTER, env=INITIAL)
    report_dir = tmp_path / 'reports'
    clean = run_playbook(AUDIT, extra_vars={'report_dir': str(report_dir), 'fail_on_drift': True}, env=INITIAL)
    markdown, data = read_reports(report_dir)
    assert clean.writes == [] and data['clean'] is True and data['rows'] == []
    # A clean audit changes nothing, and says so; its reports hold personal data, for their owner only.
    assert not clean.changed
    assert [stat.S_IMODE(path.stat().st_mode) for path in (report_dir, report_dir / 'drift-report.md',
                                                           report_dir / 'drift-report.json')] == [0o700, 0o600, 0o600]
    assert markdown.startswith('# Roster drift report\n\n**No drift**')

    with simulator._lock:
        simulator._by_username['ravi']['first_name'] = 'Ravindra'
        simulator._by_username['meena']['batches'].clear()
    drifted = run_playbook(AUDIT, extra_vars={'report_dir': str(report_dir)}, env=INITIAL)
    markdown, data = read_reports(report_dir)
    assert drifted.writes == []
    assert data['rows'] == [
        {'user': 'ravi', 'what': 'first_name', 'platform': 'Ravindra', 'roster': 'Ravi'},
        {'user': 'meena', 'what': 'batches', 'item': 'UPSC Evening Batch', 'platform': 'not a member', 'roster': 'member'},
    ]
    assert '**2 accounts differ** from the roster' in markdown
    assert '| `ravi` | first_name | `Ravindra` | `Ravi` |' in markdown

    gate = run_playbook(AUDIT, extra_vars={'report_dir': str(report_dir), 'fail_on_drift': True}, env=INITIAL,
                        expect_failure=True)
    assert gate.writes == [] and '2 accounts differ from the roster' in gate.result(
        'Fail when the platform drifted from the roster')['msg']


@pytest.mark.parametrize('export_name', ['export.yml', 'export.csv'])
def test_an_export_applies_with_zero_changes(simulator, run_playbook, tmp_path, export_name, trap_users):
    run_playbook(ROSTER, env=INITIAL)
    trap_users()
    export_file = tmp_path / export_name
    exported = run_playbook(EXPORT, extra_vars={'export_file': str(export_file)})
    assert exported.writes == [] and stat.S_IMODE(export_file.stat().st_mode) == 0o600
    applied = run_playbook(ROSTER, extra_vars={'roster_file': str(export_file), 'roster_membership': 'exact'})
    assert applied.writes == [] and not applied.changed
    assert applied.result('Bring the institute to the roster')['summary']['unchanged'] == len(simulator.users)


def test_an_audit_needs_no_first_password_to_report_accounts_to_create(simulator, run_playbook, tmp_path):
    report_dir = tmp_path / 'reports'
    audit = run_playbook(AUDIT, extra_vars={'report_dir': str(report_dir)}, env={'TESTPRESS_INITIAL_PASSWORD': None})
    markdown, data = read_reports(report_dir)
    assert audit.writes == [] and data['summary']['created'] == 4
    assert [row['user'] for row in data['rows'] if row['what'] == 'account'] == list(EXAMPLE)
    assert 'never-sent-by-an-audit' not in markdown and '| `asha` | account | *none* | created: ' in markdown
    assert {'user': 'asha', 'what': 'password', 'platform': None, 'roster': '(made by Testpress)'} in data['rows']
