# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The HTTP client against the simulator over real HTTP: pages, retries, re-login, errors, secrets."""

from __future__ import annotations

import socket

import pytest

from ansible_collections.testpress.lms.plugins.module_utils import _client
from ansible_collections.testpress.lms.plugins.module_utils._client import TestpressAPI, TestpressClient, error_message
from ansible_collections.testpress.lms.plugins.module_utils._errors import TestpressError

USERS = '/api/v2.5/admin/users/'


class Sleeps(list):
    """Records the waits the client asks for instead of sleeping through them."""

    def __call__(self, seconds):
        self.append(seconds)


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def client(simulator, sleeps):
    return TestpressClient(simulator.url, username='admin', password='admin-pass', max_retries=3, sleep=sleeps)


def api_calls(simulator):
    return [(entry['method'], entry['path'], entry['status']) for entry in simulator.log
            if entry['path'] != '/api/v2.5/auth-token/']


def test_a_list_of_three_pages_is_read_whole(simulator, client):
    for number in range(45):
        simulator.add_user('pager%02d' % number)
    users = TestpressAPI(client).search_users('pager')
    assert sorted(user['username'] for user in users) == ['pager%02d' % number for number in range(45)]
    assert [call for call in api_calls(simulator) if call[0] == 'GET'] == [('GET', USERS, 200)] * 3


def test_find_user_picks_the_exact_username_among_substring_matches(simulator, client):
    user = TestpressAPI(client).find_user('john')
    assert user['username'] == 'john'
    assert TestpressAPI(client).find_user('joh') is None


def test_a_throttled_call_waits_for_retry_after_then_succeeds(simulator, client, sleeps):
    simulator.inject(429, times=2, method='GET', retry_after=7)
    assert client.get(USERS)['count'] >= 1
    assert sleeps == [7.0, 7.0]
    assert [call[2] for call in api_calls(simulator)] == [429, 429, 200]


def test_a_throttled_post_is_retried_since_it_was_not_applied(simulator, client):
    simulator.inject(429, method='POST', path=USERS, retry_after=0)
    TestpressAPI(client).create_user({'username': 'throttled', 'password': 'pw-1234567'})
    assert [call[2] for call in api_calls(simulator) if call[0] == 'POST'] == [429, 201]
    assert simulator.user('throttled') is not None


def test_503_twice_then_success(simulator, client, sleeps):
    simulator.inject(503, times=2, method='GET')
    assert client.get(USERS)['results']
    assert [call[2] for call in api_calls(simulator)] == [503, 503, 200]
    assert len(sleeps) == 2 and sleeps[1] > 0


def test_retries_exhausted_give_a_clear_error(simulator, client, sleeps):
    simulator.inject(503, times=10, method='GET')
    with pytest.raises(TestpressError) as caught:
        client.get(USERS)
    assert caught.value.status == 503
    assert str(caught.value).startswith('GET %s: 503' % USERS)
    assert len(api_calls(simulator)) == 4 and len(sleeps) == 3


def test_a_post_is_not_replayed_after_a_502(simulator, client):
    simulator.inject(502, method='POST', path=USERS, apply=True)
    with pytest.raises(TestpressError) as caught:
        TestpressAPI(client).create_user({'username': 'maybe', 'password': 'pw-1234567'})
    assert caught.value.status == 502
    assert [call for call in api_calls(simulator) if call[0] == 'POST'] == [('POST', USERS, 502)]
    assert simulator.user('maybe') is not None


def test_a_401_logs_in_again_once_and_retries(simulator, client):
    client.get(USERS)
    simulator.expire_tokens()
    assert client.get(USERS)['results']
    paths = [(entry['method'], entry['path'], entry['status']) for entry in simulator.log]
    assert paths[-3:] == [('GET', USERS, 401), ('POST', '/api/v2.5/auth-token/', 200), ('GET', USERS, 200)]


def test_a_bad_token_without_credentials_fails_without_showing_the_token(simulator):
    token = 'not-a-valid-token-5f2b9c'
    with pytest.raises(TestpressError) as caught:
        TestpressClient(simulator.url, token=token, max_retries=0).get(USERS)
    assert caught.value.status == 401
    assert token not in str(caught.value) and token not in repr(caught.value.args)


def test_a_bad_login_names_the_call_but_not_the_password(simulator):
    with pytest.raises(TestpressError) as caught:
        TestpressClient(simulator.url, username='admin', password='wrong-pass-77').get(USERS)
    message = str(caught.value)
    assert message.startswith('POST /api/v2.5/auth-token/: 400')
    assert 'wrong-pass-77' not in message


def test_a_field_error_reaches_the_message(simulator, client):
    with pytest.raises(TestpressError) as caught:
        TestpressAPI(client).create_user({'username': 'john', 'password': 'secret-pw-42'})
    assert 'username: A user with that username already exists.' in str(caught.value)
    assert 'secret-pw-42' not in str(caught.value)


def test_an_html_error_page_is_reported_briefly(simulator, client):
    simulator.inject(502, method='PUT')
    user_id = simulator.user('john')['id']
    client.max_retries = 0
    with pytest.raises(TestpressError) as caught:
        TestpressAPI(client).update_user(user_id, {'username': 'john', 'city': 'Madurai'})
    assert caught.value.status == 502
    assert len(caught.value.message) <= 300


def test_connection_refused_is_retried_even_for_a_post_then_fails_clearly(sleeps):
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    client = TestpressClient('http://127.0.0.1:%d' % port, token='t', max_retries=2, sleep=sleeps)
    with pytest.raises(TestpressError) as caught:
        client.post(USERS, {'username': 'nobody'})
    assert caught.value.status is None
    assert 'connection failed' in str(caught.value)
    assert len(sleeps) == 2


def test_every_path_gets_its_trailing_slash(simulator, client):
    client.get('/api/v2.5/admin/users')
    assert api_calls(simulator) == [('GET', USERS, 200)]


def test_delete_of_a_user_goes_to_v2_2(simulator, client):
    user_id = simulator.user('johnny')['id']
    TestpressAPI(client).delete_user(user_id)
    assert api_calls(simulator) == [('DELETE', '/api/v2.2/admin/users/%d/' % user_id, 204)]
    assert simulator.user('johnny') is None


def test_a_read_only_client_refuses_writes_before_sending(simulator):
    client = TestpressClient(simulator.url, username='admin', password='admin-pass', read_only=True)
    with pytest.raises(RuntimeError):
        client.post(USERS, {'username': 'x'})
    assert simulator.log == []


def test_membership_lists_are_read_to_the_last_page(simulator, client):
    names = ['Batch %02d' % number for number in range(1, 26)]
    simulator.add_user('busy', batches=names)
    batches = TestpressAPI(client).list_members('batches', simulator.user('busy')['id'])
    assert sorted(batch['name'] for batch in batches) == names


@pytest.mark.parametrize('payload, text, expected', [
    ({'detail': 'Not found.'}, '', 'Not found.'),
    ({'email': ['Enter a valid email address.'], 'state': ['"XX" is not a valid choice.']}, '',
     'email: Enter a valid email address.; state: "XX" is not a valid choice.'),
    ({'non_field_errors': ['Unable to log in with provided credentials.']}, '',
     'Unable to log in with provided credentials.'),
    (['first', 'second'], '', 'first; second'),
    (None, '<html>\n<h1>Bad   Gateway</h1></html>', '<html> <h1>Bad Gateway</h1></html>'),
    (None, '', 'no message'),
])
def test_error_message_flattens_drf_errors(payload, text, expected):
    assert error_message(payload, text) == expected


def test_pages_after_the_first_are_read_in_parallel_once_count_is_known(simulator, client):
    for number in range(85):
        simulator.add_user('student%02d' % number)
    users = TestpressAPI(client).list_users(workers=4)
    usernames = [user['username'] for user in users]
    assert len(usernames) == len(set(usernames)) == len(simulator.users)
    pages = sorted(entry['query'].get('page', '1') for entry in simulator.log if entry['path'] == USERS)
    assert pages == ['1', '2', '3', '4', '5']


def test_page_links_are_made_from_next_and_count_or_not_at_all():
    assert _client._page_urls({'count': 50, 'next': 'https://x/api/v2.5/admin/users/?cursor=abc'}, 20) is None
    assert _client._page_urls({'count': 50, 'next': None}, 20) is None
    assert _client._page_urls({'count': 45, 'next': 'https://x/u/?q=a&page=2'}, 20) == [
        'https://x/u/?q=a&page=2', 'https://x/u/?q=a&page=3']
