# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The user field table and the plan for one account: pure logic, no HTTP."""

from __future__ import annotations

import json

import pytest
import yaml

from ansible_collections.testpress.lms.plugins.doc_fragments.user_profile import ModuleDocFragment
from ansible_collections.testpress.lms.plugins.module_utils import _users as users
from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError

# A user as the API reads one back (v2.5: dates DD/MM/YYYY, state as a name beside state_code).
RECORD = {
    'id': 7, 'username': 'john', 'first_name': 'John', 'last_name': 'Appleseed', 'email': 'John@Example.com',
    'birth_date': '03/07/2016', 'address1': '', 'address2': '', 'city': 'Chennai', 'zip': '600069',
    'state': 'Tamil Nadu', 'state_code': 'IN-TN', 'phone': '', 'is_active': True, 'is_blocked': False,
    'custom_fields': {'Roll Number': '42'}, 'password_hash': 'pbkdf2_sha256$12000$salt$hash',
}


def spec(**values):
    password = values.pop('password', None)
    update_password = values.pop('update_password', 'on_create')
    return users.UserSpec('john', values, password=password, update_password=update_password)


def test_the_doc_fragment_documents_exactly_the_field_table():
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    assert dict((option, doc['type']) for option, doc in documented.items()) == dict(
        (option, spec_['type']) for option, spec_ in users.profile_argument_spec().items())


@pytest.mark.parametrize('given', ['2016-07-03', '03/07/2016', ' 2016-07-03 '])
def test_both_date_formats_are_one_date(given):
    assert users.desired_profile({'birth_date': given}) == {'birth_date': '2016-07-03'}


@pytest.mark.parametrize('read', ['03/07/2016', '2016-07-03'])
def test_both_read_formats_compare_equal(read):
    assert users.changed_options(users.current_profile(dict(RECORD, birth_date=read)),
                                 users.desired_profile({'birth_date': '2016-07-03'})) == []


def test_a_date_is_written_as_dd_mm_yyyy_and_cleared_as_null():
    assert users.api_body({'birth_date': '2016-07-03'}, ['birth_date']) == {'birth_date': '03/07/2016'}
    assert users.api_body({'birth_date': ''}, ['birth_date']) == {'birth_date': None}
    assert users.current_profile(dict(RECORD, birth_date=None))['birth_date'] == ''


@pytest.mark.parametrize('option, value, named', [
    ('birth_date', '31/02/2016', 'birth_date'),
    ('birth_date', '2016/07/03', 'birth_date'),
    ('birth_date', '07-03-2016', 'birth_date'),
    ('state_code', 'TN', 'state_code'),
    ('state_code', 'IN-XX', 'state_code'),
    ('email', 'not-an-email', 'email'),
    ('email', 'a@b', 'email'),
    ('custom_fields', 'Roll Number=42', 'custom_fields'),
])
def test_bad_input_names_the_option(option, value, named):
    with pytest.raises(InputError, match=named):
        users.desired_profile({option: value})


@pytest.mark.parametrize('record', [
    {'state': 'Tamil Nadu', 'state_code': 'IN-TN'},
    {'state': 'IN-TN'},
    {'state': 'Tamil Nadu'},
    {'state': 'IN-TN', 'state_code': 'IN-TN'},
])
def test_a_state_reads_back_as_its_code_whatever_the_shape(record):
    assert users.current_profile(record)['state_code'] == 'IN-TN'


def test_old_and_new_codes_name_one_state():
    assert users.desired_profile({'state_code': 'in-or'}) == {'state_code': 'IN-OD'}
    assert users.current_profile({'state': 'Orissa'})['state_code'] == 'IN-OD'
    assert users.current_profile({'state': 'IN-TS'})['state_code'] == 'IN-TG'


def test_email_compares_without_case_and_is_sent_as_given():
    desired = users.desired_profile({'email': 'john@example.COM'})
    assert users.changed_options(users.current_profile(RECORD), desired) == []


def test_custom_field_names_compare_without_case_and_unlisted_fields_are_left_alone():
    current = users.current_profile(dict(RECORD, custom_fields={'Roll Number': '42', 'Parent Phone': '9000'}))
    assert users.changed_options(current, users.desired_profile({'custom_fields': {'roll number': 42}})) == []
    desired = users.desired_profile({'custom_fields': {'ROLL NUMBER': '43'}})
    assert users.changed_options(current, desired) == ['custom_fields']
    assert users.api_body(desired, ['custom_fields'], current) == {
        'custom_fields': {'Roll Number': '43', 'Parent Phone': '9000'}
    }


def test_a_custom_field_listed_twice_is_refused():
    with pytest.raises(InputError, match='twice'):
        users.desired_profile({'custom_fields': {'Roll Number': 1, 'roll number': 2}})


def test_flags_read_back_as_strings_compare_as_booleans():
    current = users.current_profile(dict(RECORD, is_active='true', is_blocked='false'))
    assert users.changed_options(current, users.desired_profile({'is_active': True, 'is_blocked': False})) == []


def test_nothing_differs_means_no_call():
    plan = users.plan_present(spec(first_name='John', birth_date='2016-07-03', state_code='IN-TN'), RECORD)
    assert plan.action is None and plan.body is None and not plan.changed


def test_one_changed_field_gives_a_put_with_username_and_that_field_only():
    plan = users.plan_present(spec(first_name='John', city='Madurai'), RECORD)
    assert plan.action == 'update'
    assert plan.body == {'username': 'john', 'city': 'Madurai'}
    assert plan.before == {'username': 'john', 'first_name': 'John', 'city': 'Chennai'}
    assert plan.after == {'username': 'john', 'first_name': 'John', 'city': 'Madurai'}


def test_an_empty_string_clears_a_field():
    plan = users.plan_present(spec(city=''), RECORD)
    assert plan.body == {'username': 'john', 'city': ''}


def test_create_needs_a_password_or_auto_generation():
    with pytest.raises(InputError, match='password is required'):
        users.plan_present(spec(first_name='John'), None)
    auto = users.UserSpec('john', {}, auto_generate_password=True)
    assert users.plan_present(auto, None).body == {'username': 'john'}


def test_the_diff_of_an_account_whose_password_testpress_makes_says_so():
    auto = users.UserSpec('john', {}, auto_generate_password=True)
    assert users.plan_present(auto, None).after['password'] == '(made by Testpress)'


def test_a_create_diff_shows_a_placeholder_never_the_password():
    plan = users.plan_present(spec(first_name='John', password='Very$ecret1'), None)
    assert plan.action == 'create'
    assert plan.body['password'] == 'Very$ecret1'
    assert plan.before == {}
    assert 'Very$ecret1' not in json.dumps([plan.before, plan.after])
    assert plan.after['password'] == users.PASSWORD_PLACEHOLDER


def test_update_password_on_create_leaves_an_existing_password_alone():
    assert users.plan_present(spec(password='Very$ecret1'), RECORD).action is None


def test_update_password_always_sends_it_and_reports_a_change():
    plan = users.plan_present(spec(password='Very$ecret1', update_password='always'), RECORD)
    assert plan.action == 'update'
    assert plan.body == {'username': 'john', 'password': 'Very$ecret1'}
    assert 'Very$ecret1' not in json.dumps([plan.before, plan.after])


def test_absent_plans_a_delete_only_for_an_existing_account():
    assert users.plan_absent(None).action is None
    plan = users.plan_absent(RECORD)
    assert plan.action == 'delete' and plan.after == {}
    assert plan.before['username'] == 'john' and plan.before['state_code'] == 'IN-TN'


def test_a_public_user_carries_no_password_hash():
    assert 'password_hash' not in users.public_user(RECORD)
    plan = users.UserPlan('update', record=RECORD, body={'username': 'john', 'password': 'x'})
    assert 'password' not in plan.predicted() and 'password_hash' not in plan.predicted()


def test_update_only_fields_stay_out_of_the_create_body():
    plan = users.plan_present(spec(first_name='John', is_active=False, is_blocked=True, password='Very$ecret1'), None)
    assert plan.body == {'username': 'john', 'first_name': 'John', 'password': 'Very$ecret1'}
    assert plan.after['is_active'] is False and plan.after['is_blocked'] is True


def test_a_state_name_as_the_api_reads_it_back_is_accepted_as_its_code():
    assert users.desired_profile({'state_code': 'Tamil Nadu'}) == {'state_code': 'IN-TN'}
    assert users.desired_profile({'state_code': 'orissa'}) == {'state_code': 'IN-OD'}


def test_a_put_answer_is_compared_normalised_so_a_stored_write_is_never_taken_for_a_lost_one():
    body = {'username': 'asha', 'state': 'IN-TN', 'birth_date': '12/04/2007', 'email': 'Asha@Example.com', 'is_active': False,
            'first_name': 'Asha', 'custom_fields': {'Roll Number': '7', 'House': 'Red'}}
    stored = {'username': 'asha', 'state': 'Tamil Nadu', 'state_code': 'IN-TN', 'birth_date': '2007-04-12',
              'email': 'asha@example.com', 'is_active': 'false', 'first_name': 'Asha',
              'custom_fields': {'roll number': '7', 'House': 'Red', 'Other': 'x'}}
    assert users.not_applied(body, 'asha')(stored) is None
    # A field the answer does not carry cannot be told: not counted.
    assert users.not_applied(body, 'asha')({'username': 'asha'}) is None
    ignored = dict(stored, first_name='Old', custom_fields={'House': 'Blue'}, is_active=True)
    assert users.not_applied(body, 'asha')(ignored) == (
        "the API accepted the update of 'asha' but did not apply it: its answer holds another first_name, is_active, "
        'custom_fields than was sent. The account is not as the task declares: run the task again, and if this '
        'persists, check the account on the institute')
