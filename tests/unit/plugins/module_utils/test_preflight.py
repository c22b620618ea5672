# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The preflight's pure parts: each answer judged (plugins/module_utils/_assumptions.py), the estimate and the
checks' table (_preflight.py), and docs/api-behaviour.md citing every check."""

from __future__ import annotations

import re

import pytest

from ansible_collections.testpress.lms.plugins.module_utils import _assumptions as assumptions
from ansible_collections.testpress.lms.plugins.module_utils import _errors
from ansible_collections.testpress.lms.plugins.module_utils._api import ASSUMED
from ansible_collections.testpress.lms.plugins.module_utils import _preflight as preflight
from ansible_collections.testpress.lms.plugins.module_utils._estimate import estimate_times
from ansible_collections.testpress.lms.plugins.module_utils._membership import BATCHES, COURSES
from ansible_collections.testpress.lms.tests.harness import REPO_ROOT

API_BEHAVIOUR = REPO_ROOT / 'docs' / 'api-behaviour.md'
API_URL = 'https://demo.testpress.in'
USERS = API_URL + '/api/v2.5/admin/users/'


def page(count, results=20, next_url=USERS + '?page=2', per_page=20):
    return {'count': count, 'next': next_url, 'previous': None, 'per_page': per_page,
            'results': [{'id': n, 'username': 'u%d' % n, 'batches': []} for n in range(results)]}


def test_every_check_is_reported_with_what_it_affects():
    entry = preflight.check('user_courses', False, 'GET ...: 404 Not found.')
    assert entry == {'name': 'user_courses', 'ok': False, 'detail': 'GET ...: 404 Not found.',
                     'affects': ['testpress_user_courses', 'testpress_roster: courses', 'testpress_user_info: include courses'],
                     'needed_by_roster': True}
    assert all(affects for affects, _needed in preflight.CHECKS.values())
    assert [name for name, (_affects, needed) in preflight.CHECKS.items() if not needed] == ['me', 'staff_marked', 'user_search', 'latency']


def test_a_user_list_on_the_institute_numbered_by_page_is_read_in_parallel():
    ok, detail, facts = assumptions.judge_user_list(page(45), API_URL)
    assert ok and facts == {'users': 45, 'per_page': 20, 'parallel': True}
    assert detail == '45 accounts, 20 a page, 3 pages; next links on api_url, numbered: pages read in parallel'


def test_next_links_elsewhere_or_unnumbered_are_noted_not_failed():
    elsewhere = page(45, next_url='http://proxy.local/api/v2.5/admin/users/?cursor=abc')
    ok, detail, facts = assumptions.judge_user_list(elsewhere, API_URL)
    assert ok and not facts['parallel']
    assert 'next links point to http://proxy.local, not to api_url (https://demo.testpress.in)' in detail
    assert 'no page number 2: the pages are read one after another' in detail


@pytest.mark.parametrize('answer, problem', [
    ([], 'not a page of accounts'),
    ({'results': [], 'count': None}, 'no count of accounts'),
    ({'results': ['asha'], 'count': 1}, "an account of the page has no id or no username: 'asha'"),
    ({'results': [{'username': 'asha'}], 'count': 1}, "no id or no username: ['username']"),
    ({'results': [], 'count': 3, 'next': 7}, 'the next link is not a URL'),
    (page(45, next_url=None), 'count says 45 accounts but the first page holds 20 and has no next link'),
])
def test_a_user_list_the_collection_cannot_read_fails(answer, problem):
    ok, detail, facts = assumptions.judge_user_list(answer, API_URL)
    assert not ok and facts is None and problem in detail


def test_without_per_page_the_page_size_is_the_first_page_length():
    answer = page(45, results=10)
    del answer['per_page']
    assert assumptions.judge_user_list(answer, API_URL)[2]['per_page'] == 10


def test_embedded_batches_must_be_records_with_id_and_name():
    assert assumptions.judge_embedded_batches([{'username': 'a', 'batches': [{'id': 1, 'name': 'UPSC'}]}])[0]
    ok, detail = assumptions.judge_embedded_batches([{'username': 'a'}])
    assert not ok and 'does not embed batches' in detail
    ok, detail = assumptions.judge_embedded_batches([{'username': 'a', 'batches': ['UPSC']}])
    assert not ok and "account 'a'" in detail and "not {id, name}: 'UPSC'" in detail
    assert assumptions.judge_embedded_batches([]) == (True, 'not confirmed: the first page holds no account')


def test_the_list_must_say_which_accounts_are_staff():
    assert assumptions.judge_staff([{'username': 'admin', 'is_staff': True}, {'username': 'asha', 'is_staff': False}]) == (
        True, '1 of the 2 accounts of the first page are marked staff or admin')
    assert assumptions.judge_staff([{'username': 'root', 'is_superuser': True}])[0]
    ok, detail = assumptions.judge_staff([{'username': 'admin', 'is_staff': True}, {'username': 'asha'}])
    assert not ok and "account 'asha' has neither is_staff nor is_superuser" in detail and 'protected_users' in detail


def test_a_user_search_picks_the_exact_username_among_substring_matches():
    john = {'id': 2, 'username': 'john'}
    page = {'count': 2, 'next': None, 'results': [{'id': 1, 'username': 'johnny'}, john]}
    assert assumptions.judge_user_search('john', page) == (True, "searching 'john' finds the account among 2 results", john)
    assert assumptions.judge_user_search('jo', page) == (False, "searching 'jo' does not find that account among 2 results", None)
    assert assumptions.judge_user_search('jo', dict(page, next=USERS + '?page=2&q=jo'))[0]
    assert not assumptions.judge_user_search('jo', [])[0]


def test_flags_must_be_read_back():
    assert assumptions.judge_flags({'is_active': True, 'is_blocked': False}) == (True, 'read back: is_active true, is_blocked false')
    ok, detail = assumptions.judge_flags({'username': 'asha', 'is_active': True})
    assert not ok and "'asha' reads back without is_blocked: a task that sets it reports a change on every run" in detail


@pytest.mark.parametrize('record, ok, words', [
    ({'state': 'IN-TN'}, True, 'as a code (IN-TN)'),
    ({'state': 'IN-OR'}, True, 'as a code (IN-OR)'),
    ({'state': 'Tamil Nadu', 'state_code': 'IN-TN'}, True, 'with state_code IN-TN beside it'),
    ({'state': 'Orissa'}, True, 'without state_code; compared as the code IN-OD'),
    ({'state': '', 'state_code': None}, True, 'not confirmed'),
    ({'state': 'Atlantis'}, False, "'Atlantis', neither an ISO 3166-2:IN code nor a known state name"),
])
def test_state_spellings(record, ok, words):
    result = assumptions.judge_state(record)
    assert result[0] is ok and words in result[1]


@pytest.mark.parametrize('value, ok, words', [
    ('03/07/1994', True, 'DD/MM/YYYY'),
    ('1994-07-03', True, 'YYYY-MM-DD'),
    (None, True, 'not confirmed'),
    ('July 3, 1994', False, "'July 3, 1994', neither DD/MM/YYYY nor YYYY-MM-DD"),
    ('31/02/1994', False, "'31/02/1994', neither"),
])
def test_birth_date_spellings(value, ok, words):
    result = assumptions.judge_birth_date({'birth_date': value})
    assert result[0] is ok and words in result[1]


def test_custom_fields_must_be_an_object():
    assert assumptions.judge_custom_fields({'custom_fields': {'Roll Number': 'R-1'}}) == (True, 'an object of 1 field')
    assert not assumptions.judge_custom_fields({'username': 'a'})[0]


def test_a_batch_listing_agrees_with_the_embedded_batches_unless_they_may_be_cut():
    items = [{'id': 1, 'name': 'UPSC'}, {'id': 2, 'name': 'NEET'}]
    assert assumptions.judge_members(BATCHES, items, items[:2]) == (True, 'a page of {id, name}: 2 items, as the user list embeds them')
    ok, detail = assumptions.judge_members(BATCHES, items, items[:1])
    assert not ok and 'embeds 1 batches for the account but its listing has 2' in detail
    many = [{'id': n, 'name': 'B%d' % n} for n in range(25)]
    assert assumptions.judge_members(BATCHES, many, many[:20]) == (True, 'a page of {id, name}: 25 items, of which the user list embeds 20')


def test_a_course_listing_of_the_wrong_shape_fails_and_an_empty_one_is_unconfirmed():
    ok, detail = assumptions.judge_members(COURSES, [{'id': 1, 'name': 'no title'}])
    assert not ok and detail == "the listing of courses: an item is not {id, title}: ['id', 'name']"
    assert assumptions.judge_members(COURSES, []) == (True, 'a page of {id, title}: 0 items (the shape of an item not seen)')


def test_subscriptions_carry_a_batch_and_an_expiry():
    good = [{'id': 5001, 'batch': {'id': 21, 'name': 'UPSC'}, 'expires': None}]
    assert assumptions.judge_subscriptions(good) == (True, 'a page of {id, batch, expires}: 1 item')
    assert not assumptions.judge_subscriptions([{'id': 5001, 'batch': 21, 'expires': None}])[0]
    assert assumptions.judge_subscriptions([dict(good[0], expires='2031-03-31T00:00:00Z')])[0]
    assert assumptions.judge_subscriptions([dict(good[0], expires='31/03/2031')])[0]
    assert assumptions.judge_subscriptions([dict(good[0], expires='soon')]) == (False, "a subscription ends on 'soon', not a date")


def test_a_search_must_find_the_exact_name():
    found = [{'id': 1, 'name': 'UPSC'}, {'id': 2, 'name': 'UPSC Morning Batch'}]
    assert assumptions.judge_search(BATCHES, 'UPSC', found) == (True, "searching 'UPSC' finds it exactly among 2 results")
    ok, detail = assumptions.judge_search(BATCHES, 'UPSC Evening', found)
    assert not ok and detail.startswith("searching 'UPSC Evening': no batch named 'UPSC Evening'")
    assert assumptions.judge_search(COURSES, None, []) == (True, 'not confirmed: the institute has no courses to search for')


def test_me_names_the_login_account_where_served():
    assert assumptions.judge_me({'id': 17, 'username': 'admin'}, 'admin') == (True, "names the account 'admin' (id 17)")
    assert assumptions.judge_me(None, 'admin')[0]
    assert assumptions.judge_me({'id': 17, 'username': 'other'}, 'admin') == (False, "names 'other', not the account logged in ('admin')")
    assert assumptions.judge_me({'id': 17, 'username': 'other'}, None)[0]


def test_the_estimate_of_an_audit_and_an_apply():
    estimate = estimate_times(10000, 20, 0.02, 8)
    assert estimate == {'users': 10000, 'pages': 500, 'concurrency': 8, 'read_latency_ms': 20.0,
                        'audit_calls': 10501, 'audit_seconds': 26.288, 'apply_calls': 20501, 'apply_seconds': 51.288}
    # login and first page, then 499 pages and 10,000 courses reads 8 at a time
    assert estimate['audit_seconds'] == pytest.approx(0.04 + (499 + 10000) * 0.02 / 8, abs=0.001)


def test_pages_read_one_after_another_and_a_rate_limit_lengthen_the_estimate():
    parallel = estimate_times(10000, 20, 0.02, 8)
    serial = estimate_times(10000, 20, 0.02, 8, parallel=False)
    assert serial['audit_seconds'] - parallel['audit_seconds'] == pytest.approx(499 * 0.02 * 7 / 8, abs=0.001)
    limited = estimate_times(10000, 20, 0.02, 8, rate_limit=50)
    assert limited['audit_seconds'] == 10501 / 50 and limited['apply_seconds'] == 20501 / 50


def test_the_account_looked_at_is_not_the_login_and_has_the_most_fields():
    results = [{'username': 'admin', 'state': 'IN-TN', 'birth_date': '01/01/2000', 'batches': [1]},
               {'username': 'bare'},
               {'username': 'full', 'state': 'IN-TN', 'birth_date': '01/01/2000'}]
    assert preflight.pick_account(results, 'admin')['username'] == 'full'
    assert preflight.pick_account(results[:1], 'admin')['username'] == 'admin'
    assert preflight.pick_account([], 'admin') is None


def test_api_behaviour_cites_every_check_and_every_assumption_has_a_check_or_needs_a_write():
    text = API_BEHAVIOUR.read_text(encoding='utf-8')
    cited = set(re.findall(r'\[check\s+`(\w+)`\]', text))
    assert cited == set(preflight.CHECKS)
    bullets = re.split(r'\n(?=- )', text)
    unchecked = [bullet for bullet in bullets if '**Assumption**' in bullet and not re.search(r'\[check\s+`', bullet)
                 and 'only a write confirms' not in bullet.lower() and 'No check' not in bullet]
    assert unchecked == []


def test_every_section_an_error_cites_is_a_heading_of_api_behaviour():
    headings = re.findall(r'^## (.+?)(?: \(.*)?$', API_BEHAVIOUR.read_text(encoding='utf-8'), re.MULTILINE)
    assert {'Connection', 'Users', 'Memberships', 'The roster and exports'} <= set(headings)
    assert set(section for _what, section in ASSUMED.values()) <= set(headings)


class FakeClient:
    """Stands in for TestpressClient (the dependency): answers GETs from a table, and records them."""

    base_url = API_URL

    def __init__(self, answers):
        self.answers = answers
        self.read_only = False
        self.calls = []

    def login(self):
        self.calls.append('login')

    def get(self, path, params=None):
        self.calls.append(path)
        answer = self.answers.get(path)
        if isinstance(answer, Exception):
            raise answer
        return answer


class FakeAPI:
    """Stands in for TestpressAPI over FakeClient."""

    def __init__(self, client):
        self.client = client

    def me(self):
        return self.client.get('me')

    def get_user(self, user_id):
        return self.client.get('user/%d' % user_id)

    def list_members(self, kind, user_id):
        return self.client.get('%s/%d' % (kind, user_id))

    def list_subscriptions(self, user_id):
        return self.client.get('subscriptions/%d' % user_id)

    def search_catalogue(self, kind, text):
        return self.client.get('search/%s' % kind)


class FakeModule:
    def __init__(self, api, **params):
        self.api = api
        self.params = dict({'api_token': None, 'api_username': 'admin', 'concurrency': 8, 'username': None}, **params)
        self.result = None

    def exit(self, changed, **result):
        self.result = dict(result, changed=changed)


def institute():
    asha = {'id': 7, 'username': 'asha', 'is_staff': False, 'state': 'Tamil Nadu', 'state_code': 'IN-TN', 'birth_date': '03/07/1994',
            'custom_fields': {}, 'is_active': True, 'is_blocked': False, 'batches': [{'id': 21, 'name': 'UPSC'}]}
    users = {'count': 1, 'next': None, 'per_page': 20, 'results': [asha]}
    return {'/api/v2.5/admin/users/': users, 'me': {'id': 1, 'username': 'admin'}, 'user/7': asha,
            'batches/7': [{'id': 21, 'name': 'UPSC'}], 'courses/7': [{'id': 278, 'title': 'TD', 'slug': 'td'}],
            'subscriptions/7': [{'id': 5001, 'batch': {'id': 21, 'name': 'UPSC'}, 'expires': None}],
            'search/batches': [{'id': 21, 'name': 'UPSC'}], 'search/courses': [{'id': 278, 'title': 'TD', 'slug': 'td'}]}


def test_a_concurrency_out_of_range_fails_before_any_call():
    client = FakeClient(institute())
    with pytest.raises(_errors.InputError, match='concurrency must be between 1 and 32, got 0'):
        preflight.run_preflight(FakeModule(FakeAPI(client), concurrency=0))
    assert client.calls == []


def test_the_preflight_reads_with_a_read_only_client_and_reports_every_check():
    client = FakeClient(institute())
    module = FakeModule(FakeAPI(client))
    preflight.run_preflight(module)
    assert client.read_only is True
    assert [check['name'] for check in module.result['checks']] == list(preflight.CHECKS)
    assert all(check['ok'] for check in module.result['checks'])
    assert module.result['changed'] is False and module.result['estimate']['users'] == 1
    assert client.calls[:2] == ['login', '/api/v2.5/admin/users/']


def test_a_failed_listing_fails_its_check_alone_and_a_failed_login_stops_the_rest():
    answers = institute()
    answers['subscriptions/7'] = _errors.TestpressError('GET', '/api/v2.5/admin/users/7/subscriptions/', 405, 'Method not allowed.')
    checks = preflight.Preflight(FakeAPI(FakeClient(answers)), FakeModule(None).params).run()
    assert [check['name'] for check in checks if not check['ok']] == ['user_subscriptions']
    assert checks[list(preflight.CHECKS).index('user_subscriptions')]['detail'].endswith('405 Method not allowed.')

    refused = _errors.TestpressError('GET', '/api/v2.5/admin/users/', 403, 'You do not have permission to perform this action.')
    checks = preflight.Preflight(FakeAPI(FakeClient(dict(answers, **{'/api/v2.5/admin/users/': refused}))),
                                 FakeModule(None).params).run()
    assert [(check['name'], check['ok']) for check in checks] == [('login', True), ('admin', False)]
    assert checks[1]['detail'] == ('the account logs in but cannot list accounts: GET /api/v2.5/admin/users/: 403 You do not '
                                   'have permission to perform this action. (the other checks need it and were not run)')
