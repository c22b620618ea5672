# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The roster's guards, pure: staff marks, whom a task protects (the token's owner among them), usernames as
the server compares them. The guards inside a plan are tested with the plan (test_roster_plan.py)."""

from __future__ import annotations

import base64
import json

import pytest

from ansible_collections.testpress.lms.plugins.module_utils import _guards as guards
from ansible_collections.testpress.lms.plugins.module_utils._assumptions import judge_staff

# The claims of the Admin API's own example token (the seeds): its username claim is the user id, a number.
SEED_CLAIMS = {'username': 38, 'user_id': 38, 'email': 'dinesh@testpress.in', 'exp': 1470229607}
ACCOUNTS = {'admin': {'id': 1, 'username': 'admin', 'email': ''},
            'dinesh': {'id': 38, 'username': 'dinesh', 'email': 'Dinesh@Testpress.in'},
            'ravi': {'id': 40, 'username': 'ravi', 'email': 'ravi@example.com'}}


def jwt(claims):
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip('=')
    return '%s.%s.signature' % (part({'alg': 'HS256'}), part(claims))


def protection(me=None, **params):
    return guards.Protection(params, me).resolve(ACCOUNTS)


@pytest.mark.parametrize('token, claims', [
    (jwt({'username': 'admin', 'user_id': 1}), {'username': 'admin', 'user_id': 1}),
    (jwt(['admin']), {}), ('not-a-jwt', {}), ('a.@@@.c', {}), (None, {}),
])
def test_a_token_s_claims_are_read_without_verifying_it(token, claims):
    assert guards.token_claims(token) == claims


@pytest.mark.parametrize('me, claims, owner', [
    ({'id': 38, 'username': 'dinesh'}, {'username': 'root'}, 'dinesh'),     # /me names it: it wins
    (None, {'username': ' root ', 'user_id': 38}, 'root'),                 # the username claim, when it is text
    (None, SEED_CLAIMS, 'dinesh'),                                         # a number: the user_id claim
    (None, {'username': 38, 'email': 'DINESH@testpress.in '}, 'dinesh'),   # or the email, in any case
    (None, {'username': 38, 'user_id': 99}, None),                         # matching no account: unknown
    (None, {}, None),
])
def test_the_token_s_owner_from_me_else_its_claims(me, claims, owner):
    found = protection(me, api_token=jwt(claims), api_username='admin')
    assert found.owner == owner and found.owner_unknown() is (owner is None)
    assert found.logins == set(name for name in ('admin', owner) if name)


def test_the_seeds_token_with_api_username_protects_both_accounts():
    found = protection(api_token=jwt(SEED_CLAIMS), api_username='admin')
    assert found.never_removed('dinesh') and found.never_removed('admin') and not found.never_removed('ravi')
    assert found.why('dinesh') == 'the owner of api_token'


def test_usernames_compare_trimmed_as_the_server_compares_them():
    found = protection(api_username='admin ', protected_users=[' ops', 'support '])
    assert found.logins == {'admin'} and found.listed == {'ops', 'support'}
    assert found.why('admin') == 'the account this task logs in with, api_username'
    assert found.why('ops') == 'listed in protected_users' and found.why('ravi') is None
    assert guards.server_name(' priya ') == 'priya' and guards.server_name(None) is None


def test_protected_users_left_out_is_not_the_same_as_an_empty_list():
    assert protection(api_username='admin').given is False
    assert protection(api_username='admin', protected_users=[]).given is True


@pytest.mark.parametrize('records, unmarked', [
    ([{'username': 'a', 'is_staff': False}, {'username': 'b', 'is_superuser': True}], None),
    ([{'username': 'a', 'is_staff': False}, {'username': 'b'}], 'b'),
    ([{'username': 'a'}], 'a'),
    ([], None),
])
def test_staff_marks_are_judged_alike_by_the_preflight_and_the_roster(records, unmarked):
    found = guards.unmarked(records)
    assert (found or {}).get('username') == unmarked
    ok, _detail = judge_staff(records)
    assert ok is (unmarked is None)


def test_a_sweep_with_a_token_whose_owner_is_unknown_fails_whatever_api_username_says():
    unknown = protection(api_token=jwt({'username': 38, 'user_id': 99}), api_username='admin', protected_users=[])
    with pytest.raises(guards.InputError, match=r"unlisted_users=delete needs to know the account api_token belongs to"):
        guards.check_sweep(unknown, ACCOUNTS, 'delete')
    guards.check_sweep(unknown, ACCOUNTS, 'ignore')
    guards.check_sweep(protection(api_token=jwt(SEED_CLAIMS), protected_users=[]), ACCOUNTS, 'delete')
