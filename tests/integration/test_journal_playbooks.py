# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The write journal (``journal``, ``TESTPRESS_JOURNAL``), run by the real ansible-playbook against the simulator: its
lines against the simulator's request log, write for write; nothing in check mode or on a rerun; no secret."""

from __future__ import annotations

import collections
import os
import stat

import pytest

from ansible_collections.testpress.lms.tests.harness.journal import USERS, final_lines, journal_lines, journal_writes, simulator_writes
from ansible_collections.testpress.lms.tests.harness.playbook import secrets_seen

ROSTER = 'testpress.lms.testpress_roster'


def student(number):
    return {'username': 'journal-%02d' % number, 'password': 'Journal-%02d-Secret' % number, 'first_name': 'Jay',
            'last_name': str(number), 'email': 'journal%02d@example.com' % number, 'batches': ['Batch %02d' % (number + 1)],
            'courses': ['Course %02d' % (number + 1)], 'expires': '2031-03-31'}


def assert_private_and_secret_free(simulator, run, path):
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path, encoding='utf-8') as handle:
        assert secrets_seen(simulator, run, handle.read()) == []


@pytest.mark.core_matrix
def test_a_roster_journal_names_every_write_the_simulator_received_and_nothing_in_check_mode_or_on_a_rerun(
        simulator, run_playbook, tmp_path):
    path = str(tmp_path / 'journal.jsonl')
    students = [student(number) for number in range(12)]
    task = [{'name': 'roster', ROSTER: {'users': students, 'journal': path}}]

    audit = run_playbook(task, check=True)
    assert audit.writes == [] and not os.path.exists(path), 'check mode writes nothing, no journal either'

    applied = run_playbook(task)
    lines = journal_lines(path)
    assert journal_writes(lines) == simulator_writes(applied.writes)
    assert len(lines) == 2 * len(applied.writes), 'a sent line and an outcome line per write'
    assert set(line['outcome'] for line in final_lines(lines)) == {'done'}
    assert len(set(line['run'] for line in lines)) == 1 and set(line['module'] for line in lines) == {'testpress_roster'}
    by_account = collections.defaultdict(set)
    for line in lines:
        by_account[line['account']].add(line['action'])
    assert set(by_account) == set(entry['username'] for entry in students)
    assert by_account['journal-00'] == {'create', 'add courses'}
    create = next(line for line in lines if line['action'] == 'create' and line['account'] == 'journal-03')
    assert create['fields']['email'] == 'journal03@example.com' and create['secret_fields'] == ['password']
    assert create['fields']['batches'] == ['Batch 04'] and create['fields']['expires'] == '2031-03-31'
    assert_private_and_secret_free(simulator, applied, path)

    again = run_playbook(task)
    assert again.writes == [] and len(journal_lines(path)) == len(lines)


@pytest.mark.core_matrix
def test_every_module_that_writes_keeps_the_journal_named_by_the_environment(simulator, run_playbook, tmp_path):
    path = str(tmp_path / 'journal.jsonl')
    tasks = [
        {'name': 'user', 'testpress.lms.testpress_user': {'username': 'student0', 'city': 'Madurai',
                                                          'password': 'New-Secret-Pass', 'update_password': 'always'}},
        {'name': 'batches', 'testpress.lms.testpress_user_batches': {'username': 'student0', 'batches': ['UPSC']}},
        {'name': 'courses', 'testpress.lms.testpress_user_courses': {'username': 'student0', 'courses': ['Course 01']}},
        {'name': 'batches gone', 'testpress.lms.testpress_user_batches': {'username': 'student0', 'batches': ['Test Batch'],
                                                                          'state': 'absent'}},
    ]
    run = run_playbook(tasks, env={'TESTPRESS_JOURNAL': path})
    lines = final_lines(journal_lines(path))
    assert journal_writes(lines) == simulator_writes(run.writes)
    assert [(line['module'], line['account'], line['action'], line['outcome']) for line in lines] == [
        ('testpress_user', 'student0', 'update', 'done'),
        ('testpress_user_batches', 'student0', 'add batches', 'done'),
        ('testpress_user_courses', 'student0', 'add courses', 'done'),
        ('testpress_user_batches', 'student0', 'remove batches', 'done')]
    assert lines[0]['fields'] == {'username': 'student0', 'city': 'Madurai'} and lines[0]['secret_fields'] == ['password']
    assert len(set(line['run'] for line in lines)) == len(lines), 'one run id per task'
    assert_private_and_secret_free(simulator, run, path)


def test_a_refused_write_is_journaled_failed_with_the_servers_reason(simulator, run_playbook, tmp_path):
    path = str(tmp_path / 'journal.jsonl')
    simulator.inject(400, method='PUT')
    run = run_playbook([{'name': 'user', 'testpress.lms.testpress_user': {'username': 'student0', 'city': 'Trichy',
                                                                          'journal': path}}], expect_failure=True)
    assert len(run.writes) == 1
    line = journal_lines(path)[-1]
    assert (line['outcome'], line['status'], line['method']) == ('failed', 400, 'PUT')
    assert line['reason'].startswith('PUT %s' % USERS) and line['fields']['city'] == 'Trichy'


@pytest.mark.core_matrix
def test_the_reports_of_an_applied_run_say_what_was_applied_and_name_the_backup(simulator, run_playbook, tmp_path):
    path = str(tmp_path / 'journal.jsonl')
    tasks = [
        {'name': 'roster', ROSTER: {'users': [student(1), {'username': 'john', 'city': 'Madurai'}], 'journal': path,
                                    'backup': True, 'backup_dir': str(tmp_path / 'backups')}, 'register': 'roster'},
        {'name': 'applied', 'ansible.builtin.debug': {'msg': '{{ roster | testpress.lms.drift_markdown }}'}},
        {'name': 'journal', 'ansible.builtin.debug': {
            'msg': "{{ lookup('ansible.builtin.file', '%s') | testpress.lms.journal_markdown(run='last') }}" % path}},
    ]
    run = run_playbook(tasks)
    applied = run.result('applied')['msg']
    assert applied.startswith('# Roster changes applied\n\n**2 accounts changed** by the roster (1 created, 1 updated')
    assert run.result('roster')['backup_file'] in applied and 'drift' not in applied.lower()
    report = run.result('journal')['msg']
    assert '**%d writes to 2 accounts** in run `%s` of testpress_roster' % (len(run.writes), journal_lines(path)[0]['run']) in report
    assert '| `john` | `update` | city `Madurai` | done |' in report and 'password (set, not recorded)' in report
