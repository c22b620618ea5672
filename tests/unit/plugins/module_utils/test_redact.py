# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``redact``: a result with every personal value of the field table masked, names and empty values kept."""

from __future__ import annotations

import json

from ansible_collections.testpress.lms.plugins.module_utils._redact import REDACTED, REDACTED_CHANGED, redact, redacted_result
from ansible_collections.testpress.lms.plugins.module_utils._users import PERSONAL_OPTIONS, USER_FIELDS


def test_the_personal_options_are_the_personal_column_of_the_table():
    assert PERSONAL_OPTIONS == tuple(field.option for field in USER_FIELDS if field.personal)
    assert {'email', 'phone', 'birth_date', 'address1', 'custom_fields'} <= set(PERSONAL_OPTIONS)
    assert not {'first_name', 'last_name', 'is_active', 'is_blocked'} & set(PERSONAL_OPTIONS)


def test_a_roster_result_keeps_its_shape_and_loses_every_personal_value():
    result = {
        'summary': {'created': 1, 'updated': 1},
        'changes': [
            {'username': 'asha', 'action': 'create', 'before': {},
             'after': {'username': 'asha', 'first_name': 'Asha', 'email': 'asha@example.com', 'phone': '',
                       'custom_fields': {'Parent Phone': '+91 98400 11111'}}},
            {'username': 'john', 'action': 'update',
             'before': {'city': 'Chennai', 'birth_date': '1994-07-03', 'custom_fields': {'Roll Number': 'R-001', 'Zone': 'N'}},
             'after': {'city': 'Madurai', 'birth_date': '1994-07-03', 'custom_fields': {'roll number': 'R-002', 'Zone': 'N'}},
             'batches': {'added': ['UPSC']}},
        ],
        'diff': [{'before_header': 'john (update)', 'before': {'zip': '600001', 'batches': ['A']},
                  'after_header': 'john (update)', 'after': {'zip': '600002', 'batches': ['A', 'B']}}],
        'failures': [{'username': 'meena', 'action': 'create', 'msg': 'POST /api/v2.5/admin/users/: 400'}],
        'invocation': {'module_args': {'users': [{'username': 'asha', 'email': 'asha@example.com', 'state_code': 'IN-TN'}],
                                       'api_url': 'https://x.example', 'redact': True}},
    }
    masked = redacted_result(result)
    shown = json.dumps(masked)
    for value in ('asha@example.com', '98400', 'Chennai', 'Madurai', '1994-07-03', 'R-00', '60000', 'IN-TN'):
        assert value not in shown
    asha, john = masked['changes']
    assert asha['after'] == {'username': 'asha', 'first_name': 'Asha', 'email': REDACTED_CHANGED, 'phone': '',
                             'custom_fields': {'Parent Phone': REDACTED_CHANGED}}
    assert john['before'] == {'city': REDACTED, 'birth_date': REDACTED, 'custom_fields': {'Roll Number': REDACTED, 'Zone': REDACTED}}
    # What changed still reads as changed; what did not, not.
    assert john['after'] == {'city': REDACTED_CHANGED, 'birth_date': REDACTED,
                             'custom_fields': {'roll number': REDACTED_CHANGED, 'Zone': REDACTED}}
    assert john['batches'] == {'added': ['UPSC']}
    assert masked['diff'][0]['after'] == {'zip': REDACTED_CHANGED, 'batches': ['A', 'B']}
    assert masked['failures'] == result['failures'] and masked['summary'] == result['summary']
    assert masked['invocation']['module_args']['users'] == [{'username': 'asha', 'email': REDACTED, 'state_code': REDACTED}]
    assert masked['redacted'] is True
    # The result itself is left as it was (the module still holds it).
    assert result['changes'][0]['after']['email'] == 'asha@example.com'


def test_exported_accounts_are_masked_and_empty_values_stay_empty():
    users = [{'username': 'john', 'email': 'john@example.com', 'address2': '', 'birth_date': None, 'is_active': True,
              'custom_fields': {'Roll Number': 'R-001', 'Note': ''}, 'batches': ['UPSC']}]
    assert redact({'users': users, 'count': 1}) == {'users': [
        {'username': 'john', 'email': REDACTED, 'address2': '', 'birth_date': None, 'is_active': True,
         'custom_fields': {'Roll Number': REDACTED, 'Note': ''}, 'batches': ['UPSC']}], 'count': 1}


def test_messages_lose_the_personal_values_of_the_result_and_of_the_task_arguments():
    """A server that echoes what it was sent puts a value in a failure's message: it is masked there too."""
    params = {'users': [{'username': 'meena', 'email': 'meena.k@example.net', 'custom_fields': {'Roll': '7'}}]}
    result = {'msg': '1 of 2 account changes failed: meena: POST /api/v2.5/admin/users/: 400 email: '
                     '"meena.k@example.net" is taken; Roll 7',
              'failures': [{'username': 'meena', 'action': 'create',
                            'msg': 'POST /api/v2.5/admin/users/: 400 email: "meena.k@example.net" is taken'}],
              'changes': [{'username': 'ravi', 'action': 'update', 'before': {'city': 'Chennai'}, 'after': {'city': 'Madurai'}}]}
    masked = redacted_result(dict(result, msg=result['msg'] + ' (Chennai)'), params)
    assert 'meena.k@example.net' not in json.dumps(masked) and 'Chennai' not in json.dumps(masked)
    assert masked['failures'][0]['msg'] == 'POST /api/v2.5/admin/users/: 400 email: "(redacted)" is taken'
    # A value too short to tell from a word is left alone: a message keeps its numbers.
    assert masked['msg'].endswith('Roll 7 ((redacted))') and masked['failures'][0]['username'] == 'meena'
