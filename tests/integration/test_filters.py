# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filters load by their FQCN in the real ansible-playbook and keep their types there."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

SPREADSHEET = ('\ufeffusername,is_active,custom_fields.Roll Number,batches\r\n'
               'asha,TRUE,2026-041,"UPSC;#27"\r\n'
               'ravi,no,,A\\;B Batch\r\n'
               ',,,\r\n')
ENTRIES = [
    {'username': 'asha', 'is_active': True, 'custom_fields': {'Roll Number': '2026-041'}, 'batches': ['UPSC', 27]},
    {'username': 'ravi', 'is_active': False, 'batches': ['A;B Batch']},
]


@pytest.mark.core_matrix
def test_both_filters_in_a_playbook(run_playbook):
    tasks = [
        {'name': 'Read the spreadsheet', 'ansible.builtin.set_fact': {'roster': '{{ spreadsheet | testpress.lms.roster_from_csv }}'}},
        {'name': 'Write it back', 'ansible.builtin.debug': {'msg': '{{ roster | testpress.lms.roster_to_csv }}'}},
        {'name': 'A bad cell', 'ansible.builtin.debug': {'msg': "{{ 'username,email\n\nasha,nowhere\n' | testpress.lms.roster_from_csv }}"},
         'ignore_errors': True},
    ]

    run = run_playbook(tasks, extra_vars={'spreadsheet': SPREADSHEET})

    read, written, bad = run.results
    assert read['ansible_facts']['roster'] == ENTRIES
    assert written['msg'] == ('username,is_active,custom_fields.Roll Number,batches\n'
                              'asha,true,2026-041,UPSC;#27\n'
                              'ravi,false,,A\\;B Batch\n')
    assert bad['failed'] is True
    assert 'roster_from_csv: row 3, column B (email): the value is not an email address' in bad['msg']
    assert run.log == []


def test_hostile_values_are_exported_without_formulas_and_read_back_as_they_were(run_playbook, tmp_path):
    entries = [{'username': 'asha', 'first_name': '=HYPERLINK("http://x.example/", "click")',
                'last_name': "+cmd|' /C calc'!A0", 'city': '@SUM(1+1)', 'phone': '+91 98400 00000',
                'custom_fields': {'Note': '-2+3'}, 'batches': ['=B', 'UPSC']}]
    export, spreadsheet = tmp_path / 'export.csv', tmp_path / 'typed.csv'
    # A student's text that looks like a template stays text when a spreadsheet is read.
    spreadsheet.write_text("username,address1\nravi,{{ 7 * 7 }}\n", encoding='utf-8')
    tasks = [
        {'name': 'Export', 'ansible.builtin.copy': {'content': '{{ entries | testpress.lms.roster_to_csv }}', 'dest': str(export),
                                                    'mode': '0600'}},
        {'name': 'Read back', 'ansible.builtin.set_fact': {
            'roster': "{{ lookup('ansible.builtin.file', '%s') | testpress.lms.roster_from_csv }}" % export}},
        {'name': 'Read typed', 'ansible.builtin.set_fact': {
            'typed': "{{ lookup('ansible.builtin.file', '%s') | testpress.lms.roster_from_csv }}" % spreadsheet}},
    ]

    run = run_playbook(tasks, extra_vars={'entries': entries})

    cells = [cell for row in csv.reader(io.StringIO(export.read_text(encoding='utf-8'))) for cell in row]
    assert [cell for cell in cells if cell[:1] in ('=', '+', '-', '@')] == []
    assert "'+91 98400 00000" in cells and "'=B;UPSC" in cells
    assert run.result('Read back')['ansible_facts']['roster'] == entries
    assert run.result('Read typed')['ansible_facts']['typed'] == [{'username': 'ravi', 'address1': '{{ 7 * 7 }}'}]


def test_a_spreadsheet_with_several_mistakes_fails_once_naming_each_and_writes_nothing(simulator, run_playbook):
    spreadsheet = ('username,Emial,email,password,batches\r\n'
                   'asha,x,asha@example.com,Pw-asha-Secret!,UPSC\r\n'
                   'ravi ,,Pw-ravi-Secret!,ravi@example.com,UPSC\r\n'
                   'asha,,asha2@example.com,Pw-asha2-Secret!,UPSC\r\n')
    tasks = [{'name': 'roster', 'testpress.lms.testpress_roster': {'users': '{{ spreadsheet | testpress.lms.roster_from_csv }}'}}]

    run = run_playbook(tasks, extra_vars={'spreadsheet': spreadsheet}, expect_failure=True)

    message = run.result('roster')['msg']
    assert 'roster_from_csv: 3 problems:' in message and message.count('the columns are') == 1
    assert '- row 1, column B (Emial): not a roster entry key (did you mean email?)\n' in message
    assert '- row 3, column C (email): the value is not an email address' in message
    assert "- row 4, column A (username): 'asha' is listed twice (rows 2 and 4)" in message
    assert 'Pw-' not in run.stdout and 'Secret' not in run.stdout
    assert run.writes == []


def test_the_audit_of_a_2000_student_onboarding_fits_a_pull_request_comment_and_its_json_holds_all(
        simulator, run_playbook, tmp_path):
    students = [{'username': 'onboard%04d' % number, 'first_name': 'Student', 'last_name': 'No %d' % number,
                 'email': 'onboard%04d@example.com' % number, 'phone': '+91 98400 %05d' % number, 'city': 'Chennai',
                 'state_code': 'IN-TN', 'password': 'Onboard-%04d-first' % number, 'batches': ['UPSC']}
                for number in range(2000)]
    roster_file = tmp_path / 'onboarding.yml'
    roster_file.write_text(yaml.safe_dump(students), encoding='utf-8')
    markdown_file, json_file = tmp_path / 'drift-report.md', tmp_path / 'drift-report.json'
    tasks = [
        # Every change in the result (past max_changes_listed the rest would go to changes_file), so the JSON holds all.
        {'name': 'audit', 'testpress.lms.testpress_roster': {'src': str(roster_file), 'max_changes_listed': 2000},
         'check_mode': True, 'register': 'audit'},
        {'name': 'markdown', 'ansible.builtin.copy': {'content': '{{ audit | testpress.lms.drift_markdown(redact=true) }}',
                                                      'dest': str(markdown_file), 'mode': '0600'}},
        {'name': 'json', 'ansible.builtin.copy': {'content': '{{ audit | testpress.lms.drift_report | to_json }}',
                                                  'dest': str(json_file), 'mode': '0600'}},
    ]

    run = run_playbook(tasks, scan_secrets=False)

    markdown = markdown_file.read_text(encoding='utf-8')
    report = json.loads(json_file.read_text(encoding='utf-8'))
    assert run.writes == [] and len(markdown) <= 65536
    assert '**2000 accounts differ** from the roster (2000 created, 0 updated, 0 deleted, 0 deactivated, ' in markdown
    shown = [line for line in markdown.splitlines() if line.startswith('| `onboard')]
    assert re.match(r'^\| `onboard0000` \| account \| \*none\* \| created: [67] fields, 1 batch \|$', shown[0])  # 6, and the password's placeholder
    assert 'Onboard-' not in markdown and '98400' not in markdown
    assert markdown.endswith('\n… and %d more accounts: see drift-report.json\n' % (2000 - len(shown)))
    assert report['accounts'] == 2000
    assert sorted(row['user'] for row in report['rows'] if row['what'] == 'account') == [s['username'] for s in students]


@pytest.mark.parametrize('name', ['roster_from_csv', 'roster_to_csv', 'drift_report', 'drift_markdown', 'journal_markdown'])
def test_ansible_doc_renders_each_filter(name):
    command = [str(Path(sys.executable).parent / 'ansible-doc'), '-t', 'filter', 'testpress.lms.' + name]
    shown = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ, ANSIBLE_NOCOLOR='1'), check=False)
    assert shown.returncode == 0, shown.stderr
    assert 'EXAMPLES' in shown.stdout and 'RETURN VALUES' in shown.stdout
    assert '[WARNING]' not in shown.stderr and '[DEPRECATION' not in shown.stderr and '[ERROR]' not in shown.stderr
