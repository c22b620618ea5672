# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The HTTP client against the simulator over real HTTP: pages, retries, re-login, errors, secrets."""

from __future__ import annotations

import re
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from ansible_collections.testpress.lms.plugins.module_utils import _pages
from ansible_collections.testpress.lms.plugins.module_utils._api import TestpressAPI
from ansible_collections.testpress.lms.plugins.module_utils._client import TestpressClient
from ansible_collections.testpress.lms.plugins.module_utils._errors import TestpressError, TokenRejected, UntrustedCertificate
from ansible_collections.testpress.lms.plugins.module_utils._secrets import error_message
from ansible_collections.testpress.lms.tests.simulator import Simulator

USERS = '/api/v2.5/admin/users/'


class Sleeps(list):
    """Records the waits the client asks for instead of sleeping through them; ``clock`` moves on by them."""

    now = 1000.0

    def __call__(self, seconds):
        self.append(seconds)
        self.now += seconds

    def clock(self):
        return self.now


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def client(simulator, sleeps):
    return TestpressClient(simulator.url, username='admin', password='admin-pass', max_retries=3, sleep=sleeps, clock=sleeps.clock)


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


def test_a_removal_of_list_items_is_not_replayed_after_a_502(simulator, client):
    simulator.inject(502, method='DELETE', apply=True)
    path = '%s%d/batches/' % (USERS, simulator.user('john')['id'])
    with pytest.raises(TestpressError) as caught:
        client.delete(path, {'batches': [21]})
    assert caught.value.status == 502
    assert [call for call in api_calls(simulator) if call[0] == 'DELETE'] == [('DELETE', path, 502)]
    assert simulator.user_batch_ids('john') == [22]


def test_a_delete_of_a_record_is_replayed_after_a_503(simulator, client):
    simulator.inject(503, method='DELETE')
    path = '/api/v2.2/admin/users/%d/' % simulator.user('johnny')['id']
    client.delete(path)
    assert [call for call in api_calls(simulator) if call[0] == 'DELETE'] == [('DELETE', path, 503), ('DELETE', path, 204)]


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


def closed_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def test_connection_refused_is_retried_once_even_for_a_post_then_fails_clearly(sleeps):
    port = closed_port()
    client = TestpressClient('http://127.0.0.1:%d' % port, token='t', max_retries=5, sleep=sleeps, clock=sleeps.clock)
    with pytest.raises(TestpressError) as caught:
        client.post(USERS, {'username': 'nobody'})
    assert caught.value.status is None
    assert caught.value.message == ('connection failed: 127.0.0.1 refused it on port %d; check the port of api_url '
                                    '(2 attempts)' % port)
    assert sleeps == [pytest.approx(sleeps[0])] and sleeps[0] <= 0.5     # one retry, after the first backoff only


def test_a_403_names_the_account_that_is_not_an_institute_admin_and_the_host(simulator, sleeps):
    student = TestpressClient(simulator.url, username='student0', password='student-pass', sleep=sleeps, clock=sleeps.clock)
    with pytest.raises(TestpressError) as caught:
        student.get(USERS)
    assert str(caught.value) == ("GET %s: 403 the account 'student0' is not an institute admin at %s (You do not have "
                                 'permission to perform this action.): the Admin API needs the login of an institute admin'
                                 % (USERS, student.host))
    token = TestpressClient(simulator.url, token=student.login(), sleep=sleeps, clock=sleeps.clock)
    with pytest.raises(TestpressError, match='403 the account of api_token is not an institute admin at 127.0.0.1:'):
        token.get(USERS)
    assert sleeps == []


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


@pytest.mark.parametrize('payload, expected', [
    ({'detail': 'Not found.'}, 'Not found.'),
    ({'email': ['Enter a valid email address.'], 'state': ['"XX" is not a valid choice.']},
     'email: Enter a valid email address.; state: "XX" is not a valid choice.'),
    ({'non_field_errors': ['Unable to log in with provided credentials.']},
     'Unable to log in with provided credentials.'),
    (['first', 'second'], 'first; second'),
    (None, 'no message'),
])
def test_error_message_flattens_drf_errors(payload, expected):
    assert error_message(payload) == expected


def test_pages_after_the_first_are_read_in_parallel_once_count_is_known(simulator, client):
    for number in range(85):
        simulator.add_user('student%02d' % number)
    users = TestpressAPI(client).list_users(workers=4)
    usernames = [user['username'] for user in users]
    assert len(usernames) == len(set(usernames)) == len(simulator.users)
    pages = sorted(entry['query'].get('page', '1') for entry in simulator.log if entry['path'] == USERS)
    assert pages == ['1', '2', '3', '4', '5']


def test_page_links_are_made_from_next_and_count_or_not_at_all():
    assert _pages.page_urls({'count': 50, 'next': 'https://x/api/v2.5/admin/users/?cursor=abc'}, 20) is None
    assert _pages.page_urls({'count': 50, 'next': None}, 20) is None
    assert _pages.page_urls({'count': 45, 'next': 'https://x/u/?q=a&page=2'}, 20) == [
        'https://x/u/?q=a&page=2', 'https://x/u/?q=a&page=3']


# ---------------------------------------------------------------- hostile answers end in a clear error


def two_pages(simulator):
    for number in range(25):
        simulator.add_user('pager%02d' % number)


def assert_clean(error, method, path, *secrets):
    """A TestpressError naming the call, never a secret."""
    assert isinstance(error, TestpressError)
    assert str(error).startswith('%s %s: ' % (method, path))
    for secret in secrets:
        assert secret not in str(error)


@pytest.mark.parametrize('answer, words', [
    ('html', re.escape('the answer is not JSON but an HTML page of 106 bytes (text/html) titled "Welcome"; check that api_url')),
    # Half a page of users: its size follows the simulator's records (a new user field), so any size is right.
    ('truncated', r'the answer is not JSON but an answer of \d+ (kB|bytes) \(application/json\)'),
    ('list', re.escape('the answer is a list, not a page of results')),
    ('string', re.escape('the answer is a str, not a page of results')),
    ('bad_results', re.escape('its results are not a list of objects')),
])
def test_a_page_of_the_wrong_shape_is_a_clear_error(simulator, client, answer, words):
    two_pages(simulator)
    simulator.inject(answer=answer, method='GET', path=USERS)
    with pytest.raises(TestpressError) as caught:
        TestpressAPI(client).search_users('pager')
    assert_clean(caught.value, 'GET', USERS, client._token, 'admin-pass')
    assert caught.value.status == 200 and re.search(words, caught.value.message), caught.value.message


def test_a_second_page_of_the_wrong_shape_is_caught_too(simulator, client):
    two_pages(simulator)
    simulator.inject(answer='endless', method='GET', path=USERS)           # the first page: a real one
    simulator.inject(answer='string', method='GET', path=USERS)
    with pytest.raises(TestpressError, match='not a page of results'):
        client.get_all(USERS, {'q': 'pager'})
    assert [entry.get('fault') for entry in simulator.log[1:]] == ['endless', 'string']


@pytest.mark.parametrize('method, call', [
    ('GET', lambda api, user_id: api.get_user(user_id)),
    ('PUT', lambda api, user_id: api.update_user(user_id, {'username': 'john', 'city': 'Madurai'})),
])
def test_a_record_of_the_wrong_shape_is_a_clear_error(simulator, client, method, call):
    user_id = simulator.user('john')['id']
    simulator.inject(answer='list', method=method)
    with pytest.raises(TestpressError) as caught:
        call(TestpressAPI(client), user_id)
    assert caught.value.message == 'the answer is a list, not an object'
    assert caught.value.path == '%s%d/' % (USERS, user_id)


def test_a_login_answer_without_a_token_is_a_clear_error(simulator, client):
    simulator.inject(answer='string', path='/api/v2.5/auth-token/')
    with pytest.raises(TestpressError) as caught:
        client.get(USERS)
    assert str(caught.value) == 'POST /api/v2.5/auth-token/: 200 the answer carried no token'


def test_a_next_link_back_to_the_same_page_is_an_error_not_a_loop(simulator, client):
    two_pages(simulator)
    simulator.inject(answer='next_loop', path=USERS, times=None)
    with pytest.raises(TestpressError) as caught:
        client.get_all(USERS, {'q': 'pager'})
    assert str(caught.value) == 'GET %s: 200 the list loops: its next link leads back to a page already read' % USERS
    assert len(api_calls(simulator)) == 1


def test_a_next_link_to_another_host_is_read_from_ours(simulator, client):
    two_pages(simulator)
    with Simulator() as elsewhere:
        simulator.inject(answer='next_foreign', path=USERS, next_host=elsewhere.url)
        users = client.get_all(USERS, {'q': 'pager'})
        assert elsewhere.log == []
    assert sorted(user['username'] for user in users) == ['pager%02d' % number for number in range(25)]
    assert api_calls(simulator) == [('GET', USERS, 200)] * 2


@pytest.mark.parametrize('workers', [1, 4])
def test_a_list_that_never_ends_stops_after_its_count_and_a_margin(simulator, client, workers):
    two_pages(simulator)
    simulator.inject(answer='endless', path=USERS, times=None)
    with pytest.raises(TestpressError) as caught:
        client.get_all(USERS, {'q': 'pager'}, workers=workers)
    # count 25 at 20 a page: 2 pages, and PAGE_MARGIN more.
    pages = 2 + _pages.PAGE_MARGIN
    assert str(caught.value) == ('GET %s: 200 the list does not end: still a next page after %d pages, '
                                 'more than its count of 25 items allows' % (USERS, pages))
    assert len(api_calls(simulator)) == pages


@pytest.mark.parametrize('workers', [1, 4])
def test_a_list_without_count_that_never_ends_stops_at_its_first_empty_page(simulator, client, workers):
    two_pages(simulator)
    simulator.inject(answer='endless_uncounted', path=USERS, times=None)
    users = client.get_all(USERS, {'q': 'pager'}, workers=workers)
    assert sorted(user['username'] for user in users) == ['pager%02d' % number for number in range(25)]
    assert len(api_calls(simulator)) == 3                     # two pages of accounts, one empty page: not 1,873 more


@pytest.mark.parametrize('depth', [5000, 100000])
def test_json_nested_too_deep_is_a_clean_error_naming_the_call(simulator, client, depth):
    simulator.inject(answer='deep', path=USERS, size=depth)
    with pytest.raises(TestpressError) as caught:
        client.get_all(USERS)
    assert str(caught.value).startswith('GET %s: 200 the answer is JSON nested too deep to read (' % USERS)
    assert str(caught.value).endswith(' kB): not read')
    simulator.inject(answer='deep', path=USERS)
    with pytest.raises(TestpressError, match='nested too deep'):
        with ThreadPoolExecutor(2) as pool:                   # a worker thread's stack is no deeper
            pool.submit(client.get, USERS).result()


def test_a_list_that_grows_while_read_takes_the_margin(simulator, client):
    two_pages(simulator)
    simulator.inject(answer='endless', path=USERS)            # page 1 only: says there is a page 2
    assert len(client.get_all(USERS, {'q': 'pager'})) == 25


def test_page_limits():
    assert _pages.page_limit({'count': 25, 'results': [{}] * 20}) == 2 + _pages.PAGE_MARGIN
    assert _pages.page_limit({'count': 100000, 'per_page': 20, 'results': [{}] * 20}) == 5500
    assert _pages.page_limit({'count': None, 'results': [{}] * 20}) == _pages.MAX_PAGES
    assert _pages.page_limit({'count': 5, 'results': []}) == _pages.MAX_PAGES
    assert _pages.page_limit({'count': 10 ** 9, 'results': [{}] * 20}) == _pages.MAX_PAGES
    assert _pages.page_urls({'count': 10 ** 9, 'next': 'https://x/u/?page=2'}, 20) is None


def test_a_huge_answer_is_refused_without_reading_it_all(simulator, client):
    simulator.inject(answer='huge', method='GET')             # 50 MB
    with pytest.raises(TestpressError) as caught:
        client.get(USERS)
    assert str(caught.value) == 'GET %s: 200 the answer is larger than 20 MB: not read' % USERS
    assert client.get(USERS)['results']                       # the next call has a sound connection


def test_an_answer_cut_off_is_retried_for_a_read(simulator, client, sleeps):
    simulator.inject(answer='cut', method='GET')
    assert client.get(USERS)['results']
    assert [call[2] for call in api_calls(simulator)] == [200, 200] and len(sleeps) == 1


def test_an_answer_cut_off_fails_clearly_when_it_persists(simulator, client):
    simulator.inject(answer='cut', method='GET', times=None)
    with pytest.raises(TestpressError) as caught:
        client.get(USERS)
    assert str(caught.value) == 'GET %s: no answer, the answer of 127.0.0.1 was cut off (4 attempts)' % USERS


def test_a_500_html_page_is_not_retried_and_reads_briefly(simulator, client, sleeps):
    simulator.inject(500, method='GET', times=5)
    with pytest.raises(TestpressError) as caught:
        client.get(USERS)
    # Summarised, never echoed: a page may hold what the request carried.
    assert caught.value.message == 'an HTML page of 128 bytes (text/html) titled "Server Error (500)"'
    assert len(api_calls(simulator)) == 1 and sleeps == []


# ---------------------------------------------------------------- timeouts, dropped connections, throttling


def test_a_slow_read_is_retried_then_fails_saying_it_timed_out(simulator, sleeps):
    client = TestpressClient(simulator.url, username='admin', password='admin-pass', timeout=0.2, max_retries=1, sleep=sleeps, clock=sleeps.clock)
    simulator.inject(delay=0.5, method='GET', times=None)
    with pytest.raises(TestpressError) as caught:
        client.get(USERS)
    assert str(caught.value) == 'GET %s: no answer, timed out after 0.2 s waiting for 127.0.0.1 (2 attempts)' % USERS
    assert len(api_calls(simulator)) == 2 and len(sleeps) == 1


def test_a_slow_read_once_is_retried_and_succeeds(simulator, sleeps):
    client = TestpressClient(simulator.url, username='admin', password='admin-pass', timeout=0.2, sleep=sleeps, clock=sleeps.clock)
    simulator.inject(delay=0.5, method='GET')
    assert client.get(USERS)['results']


def test_a_post_that_timed_out_is_not_sent_again(simulator, sleeps):
    client = TestpressClient(simulator.url, username='admin', password='admin-pass', timeout=0.2, sleep=sleeps, clock=sleeps.clock)
    simulator.inject(delay=0.5, method='POST', path=USERS)
    with pytest.raises(TestpressError) as caught:
        client.post(USERS, {'username': 'slow', 'password': 'slow-pass-1'})
    assert str(caught.value) == ('POST %s: no answer, timed out after 0.2 s waiting for 127.0.0.1; not sent again, as the server may have '
                                 'applied it' % USERS)
    assert 'slow-pass-1' not in str(caught.value)
    simulator.reset()                                         # waits for the slow create, which happened
    assert sleeps == []


def test_a_dropped_read_is_retried(simulator, client):
    simulator.inject(drop=True, method='GET')
    assert client.get(USERS)['results']
    assert [call[2] for call in api_calls(simulator)] == [None, 200]


def test_a_dropped_post_is_not_sent_again_even_when_it_was_applied(simulator, client):
    simulator.inject(drop=True, method='POST', path=USERS, apply=True)
    with pytest.raises(TestpressError) as caught:
        client.post(USERS, {'username': 'dropped', 'password': 'pw-1234567'})
    assert caught.value.status is None
    assert caught.value.message == ('connection failed: 127.0.0.1 closed the connection without an answer; not sent again, '
                                    'as the server may have applied it')
    assert [call for call in api_calls(simulator) if call[0] == 'POST'] == [('POST', USERS, None)]
    assert simulator.user('dropped') is not None


@pytest.mark.parametrize('header', [0, -5, 'soon'])
def test_retry_after_zero_negative_or_not_a_number_waits_as_a_bare_429(simulator, client, sleeps, header):
    simulator.inject(429, times=2, retry_after=header)
    assert client.get(USERS)['results']
    assert 1.0 <= sleeps[0] <= 1.25 and 2.0 <= sleeps[1] <= 2.5 and len(sleeps) == 2
    assert [entry['status'] for entry in simulator.log] == [429, 429, 200, 200]


def test_a_proxy_answering_retry_after_zero_for_ever_is_bounded_by_max_throttle_wait(simulator, sleeps):
    bounded = TestpressClient(simulator.url, username='admin', password='admin-pass', max_throttle_wait=120, sleep=sleeps,
                              clock=sleeps.clock)
    bounded.login()
    simulator.inject(429, times=None, retry_after=0)
    with pytest.raises(TestpressError, match='429 throttled .HTTP 429.: the server kept throttling this call for .* past '
                                             r'max_throttle_wait \(120 s\)'):
        bounded.get(USERS)
    assert len(api_calls(simulator)) == 7                  # waits of 1, 2, 4, 8, 16, 32 s (and jitter), not a hot loop
    assert sum(sleeps) <= 120


# ---------------------------------------------------------------- tokens


def test_a_rejected_token_without_credentials_says_so_and_what_it_was(simulator):
    token = simulator.issue_token('admin')
    client = TestpressClient(simulator.url, token=token)
    simulator.faults['expire_tokens_after'] = 1
    assert client.get(USERS)['results']
    with pytest.raises(TokenRejected) as caught:
        client.get(USERS)
    assert str(caught.value) == ('GET %s: 401 the token was rejected (Signature has expired.): it is invalid or has expired'
                                 % USERS)
    assert token not in str(caught.value)


def test_a_token_expiring_mid_run_is_renewed_once_by_eight_threads(simulator, client):
    client.get(USERS)
    simulator.faults.update(expire_tokens_after=len(simulator.log), latency=0.1)
    start = len(simulator.log)
    barrier = threading.Barrier(8)

    def worker(_number):
        barrier.wait()
        return client.get(USERS)['count']

    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(worker, range(8)))
    assert len(set(counts)) == 1
    calls = [(entry['method'], entry['path'], entry['status']) for entry in simulator.log[start:]]
    assert calls.count(('POST', '/api/v2.5/auth-token/', 200)) == 1
    assert calls.count(('GET', USERS, 401)) == 8 and calls.count(('GET', USERS, 200)) == 8


def test_a_token_expiring_mid_list_is_renewed_and_the_list_read_whole(simulator, client):
    two_pages(simulator)
    simulator.faults['expire_tokens_after'] = 2               # the login and page 1
    assert len(client.get_all(USERS, {'q': 'pager'})) == 25
    assert [entry['status'] for entry in simulator.log] == [200, 200, 401, 200, 200]


def test_a_netrc_entry_for_the_host_never_replaces_the_token(simulator, client, tmp_path, monkeypatch):
    netrc = tmp_path / 'netrc'
    netrc.write_text('machine 127.0.0.1 login someone password netrc-secret-1\n')
    monkeypatch.setenv('NETRC', str(netrc))
    assert client.get(USERS)['results']
    assert [call[2] for call in api_calls(simulator)] == [200]


# ---------------------------------------------------------------- TLS


@pytest.fixture(scope='module')
def tls_simulator():
    with Simulator(tls=True) as sim:
        yield sim


@pytest.fixture
def tls(tls_simulator, monkeypatch):
    tls_simulator.reset()
    for name in ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'):
        monkeypatch.delenv(name, raising=False)
    return tls_simulator


def tls_client(sim, sleeps, **options):
    return TestpressClient(sim.url, username='admin', password='admin-pass', sleep=sleeps, clock=sleeps.clock, **options)


def test_an_untrusted_certificate_fails_at_once_saying_so(tls, sleeps):
    with pytest.raises(UntrustedCertificate) as caught:
        tls_client(tls, sleeps).get(USERS)
    assert str(caught.value).startswith("POST /api/v2.5/auth-token/: no answer, the server's certificate is not trusted (")
    assert 'admin-pass' not in str(caught.value)
    assert sleeps == [] and tls.log == []


def test_validate_certs_false_accepts_the_certificate(tls, sleeps):
    assert tls_client(tls, sleeps, validate_certs=False).get(USERS)['results']


def test_a_ca_bundle_from_the_environment_is_honoured(tls, sleeps, monkeypatch):
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', tls.cert_path)
    assert tls_client(tls, sleeps).get(USERS)['results']


def test_validate_certs_false_wins_over_a_ca_bundle_in_the_environment(tls, sleeps, monkeypatch):
    with Simulator(tls=True) as other:                        # a bundle that does not sign this server
        monkeypatch.setenv('REQUESTS_CA_BUNDLE', other.cert_path)
        with pytest.raises(UntrustedCertificate):
            tls_client(tls, sleeps).get(USERS)
        assert tls_client(tls, sleeps, validate_certs=False).get(USERS)['results']
