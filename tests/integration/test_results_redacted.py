# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``redact: true`` on testpress_roster and testpress_user_info: no personal value of the seed (nor of the roster)
reaches the console at ``-v`` or ``-vvvv`` with ``--diff``, nor the task results a callback (AWX's) receives;
the changes are still reported, and the drift reports of the redacted result still find every one of them.
(tests/integration/test_awx_runner.py checks the job events of an AWX-like job.)"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from ansible_collections.testpress.lms.plugins.module_utils._users import PERSONAL_OPTIONS
from ansible_collections.testpress.lms.tests.harness import REPO_ROOT

ROSTER = 'testpress.lms.testpress_roster'
INFO = 'testpress.lms.testpress_user_info'
# The roster's own new values for the seed's john, and a new account's.
NEW_VALUES = {'email': 'john.new@example.net', 'city': 'Madurai', 'phone': '9000000123', 'birth_date': '1994-07-04',
              'custom_fields': {'Roll Number': 'R-777'}}
PRIYA = {'username': 'priya', 'email': 'priya.k@example.net', 'address1': '12 Gandhi Road', 'zip': '625001'}


def spellings(value):
    """A value as the API, the module or a report may spell it (dates both ways, state codes and names)."""
    value = str(value)
    found = {value}
    date = re.match(r'^(\d{2})/(\d{2})/(\d{4})$', value)
    if date:
        found.add('%s-%s-%s' % (date.group(3), date.group(2), date.group(1)))
    return found


def seed_personal_values():
    """Every personal value of the simulator's seed: the personal column of the field table, in seed spelling."""
    seed = yaml.safe_load((REPO_ROOT / 'tests' / 'simulator' / 'seed.yml').read_text(encoding='utf-8'))
    api_names = dict((option, 'state' if option == 'state_code' else option) for option in PERSONAL_OPTIONS)
    values = set()
    for user in seed['users']:
        for option, api_name in api_names.items():
            value = user.get(api_name)
            if isinstance(value, dict):
                values.update(str(item) for item in value.values())
            elif value:
                values.update(spellings(value))
    values.update({'Tamil Nadu', 'Karnataka', 'Maharashtra'})  # the states the seed's codes read back as
    return values


def roster_values():
    values = set(PRIYA.values()) - {'priya'}
    for option, value in NEW_VALUES.items():
        values.update(value.values() if isinstance(value, dict) else [value])
    return values


def leaks(run, values):
    text = run.stdout + json.dumps(run.results)
    return sorted(value for value in values if value in text)


def test_the_seed_has_personal_values_to_find():
    values = seed_personal_values()
    assert {'john@example.com', '1994-07-03', 'Chennai', '9043570576', 'R-001', 'IN-TN'} <= values


@pytest.mark.core_matrix
@pytest.mark.parametrize('verbosity', [1, 4])
def test_a_redacted_roster_audit_and_apply_print_no_personal_value(simulator, run_playbook, verbosity):
    users = [dict(NEW_VALUES, username='john', first_name='John'), dict(PRIYA, password='Initial-Pass-1'),
             {'username': 'jdoe', 'state_code': 'IN-KA'}]
    tasks = [
        {'name': 'audit', ROSTER: {'users': users, 'redact': True}, 'check_mode': True, 'register': 'audit'},
        {'name': 'report', 'ansible.builtin.debug': {'msg': "{{ audit | testpress.lms.drift_markdown }}"}},
        {'name': 'apply', ROSTER: {'users': users, 'redact': True}},
    ]
    run = run_playbook(tasks, diff=True, verbosity=verbosity)
    assert leaks(run, seed_personal_values() | roster_values()) == []
    audit, applied = run.result('audit'), run.result('apply')
    assert audit['redacted'] is True and audit['summary']['created'] == 1 and audit['summary']['updated'] == 2
    john = [change for change in audit['changes'] if change['username'] == 'john'][0]
    assert john['before']['email'] == '(redacted)' and john['after']['email'] == '(redacted, changed)'
    assert john['after']['custom_fields'] == {'Roll Number': '(redacted, changed)'}
    assert '| `john` | email | differs | differs |' in run.result('report')['msg']
    assert applied['summary'] == audit['summary']
    # What the institute holds is the roster's, not the mask.
    assert simulator.user('john')['email'] == NEW_VALUES['email']
    assert simulator.user('priya')['zip'] == PRIYA['zip']


@pytest.mark.core_matrix
def test_a_redacted_export_prints_no_personal_value_and_its_file_keeps_them(simulator, run_playbook, tmp_path):
    dest = tmp_path / 'export.yml'
    run = run_playbook([
        {'name': 'all', INFO: {'include': ['batches', 'courses'], 'redact': True}},
        {'name': 'by email', INFO: {'email': 'john@example.com', 'redact': True}},
        {'name': 'to a file', INFO: {'dest': str(dest), 'redact': True}},
    ], verbosity=4)
    assert leaks(run, seed_personal_values()) == []
    exported = dict((user['username'], user) for user in run.result('all')['users'])
    assert exported['john']['email'] == '(redacted)' and exported['john']['batches'] == ['UPSC', 'UPSC Morning Batch']
    assert run.result('by email')['count'] == 1 and run.result('to a file')['redacted'] is True
    # The file is an export to apply again: it holds the values themselves.
    written = dict((user['username'], user) for user in yaml.safe_load(dest.read_text(encoding='utf-8')))
    assert written['john']['email'] == 'john@example.com'
    assert run.writes == []


def test_without_redact_the_values_are_shown(simulator, run_playbook):
    """The control: the same export unredacted does show the seed's values, so the test above can see a leak."""
    run = run_playbook([{'name': 'all', INFO: {}}], verbosity=1)
    assert 'john@example.com' in leaks(run, seed_personal_values())


def test_a_server_echoing_what_it_was_sent_puts_no_personal_value_in_a_redacted_failure(simulator, run_playbook):
    """The API answers a write by quoting its body: with redact, the failure's message and the task's keep none of
    the values sent (the roster's) nor read (the seed's)."""
    simulator.inject(answer='echo', method='PUT', path='/api/v2.5/admin/users/*/')
    users = [dict(NEW_VALUES, username='john')]
    run = run_playbook([{'name': 'apply', ROSTER: {'users': users, 'redact': True}}], verbosity=4, expect_failure=True)
    failed = run.result('apply')
    assert failed['failed'] is True and failed['failures'][0]['username'] == 'john'
    assert 'PUT /api/v2.5/admin/users/' in failed['failures'][0]['msg'] and '(redacted)' in failed['failures'][0]['msg']
    assert leaks(run, seed_personal_values() | roster_values()) == []
