# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The client against hostile servers (the simulator's hostile answers), over real HTTP: redirects stay on the
institute's host, ``timeout`` bounds a whole call, error bodies are capped and summarised, echoed secrets never
show, ids are positive integers, and the endpoints the collection assumes fail in words naming the assumption."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.testpress.lms.plugins.module_utils._api import AssumptionError, TestpressAPI
from ansible_collections.testpress.lms.plugins.module_utils._client import TestpressClient
from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError, TestpressError
from ansible_collections.testpress.lms.plugins.module_utils._transport import check_api_url
from ansible_collections.testpress.lms.tests.simulator import Simulator

USERS = '/api/v2.5/admin/users/'
PASSWORD = 'admin-pass'


@pytest.fixture
def client(simulator):
    return TestpressClient(simulator.url, username='admin', password=PASSWORD, max_retries=0)


# ---------------------------------------------------------------- redirects


def test_a_redirect_to_another_host_is_not_followed_and_says_where_it_led(simulator, client):
    with Simulator() as elsewhere:
        other = elsewhere.url
        simulator.inject(answer='redirect', method='GET', path=USERS, next_host=other)
        with pytest.raises(TestpressError) as caught:
            client.get(USERS, {'email': 'student@example.com'})
        assert elsewhere.log == []
    assert caught.value.status == 302
    assert caught.value.message == ('the answer redirects to %s%s, which is not followed: only a read is, and only on %s. '
                                    'If that is the institute, give its base URL as api_url' % (other, USERS, simulator.url))
    assert 'student@example.com' not in str(caught.value)


def test_a_redirect_on_our_own_host_is_followed_for_a_read(simulator, client):
    simulator.inject(answer='redirect', method='GET', path=USERS, next_host=simulator.url)
    assert client.get(USERS)['results']
    assert [entry['status'] for entry in simulator.log if entry['path'] == USERS] == [302, 200]


def test_a_redirect_of_a_write_is_never_followed(simulator, client):
    simulator.inject(answer='redirect', method='POST', path=USERS, next_host=simulator.url)
    with pytest.raises(TestpressError, match='which is not followed: only a read is'):
        TestpressAPI(client).create_user({'username': 'moved', 'password': 'Moved-Pass-1'})
    assert simulator.user('moved') is None


# ---------------------------------------------------------------- a whole call within timeout


def test_a_server_dripping_its_answer_is_cut_off_at_the_timeout(simulator):
    client = TestpressClient(simulator.url, username='admin', password=PASSWORD, timeout=3, max_retries=0)
    client.login()
    simulator.inject(answer='drip', method='GET', path=USERS, interval=0.5)
    started = time.monotonic()
    with pytest.raises(TestpressError) as caught:
        client.get(USERS)
    assert time.monotonic() - started < 4.5
    assert str(caught.value) == 'GET %s: no answer, timed out after 3 s waiting for 127.0.0.1' % USERS


# ---------------------------------------------------------------- error bodies


def test_a_huge_error_body_is_read_up_to_64_kb_then_summarised(simulator, client):
    simulator.inject(answer='huge_error', method='GET', path=USERS)
    with pytest.raises(TestpressError) as caught:
        client.get(USERS)
    assert caught.value.status == 400
    assert caught.value.message == 'an answer of more than 64 kB (application/json)'
    assert client.get(USERS)['results']                       # the connection after it is sound


@pytest.mark.parametrize('answer', ['echo', 'echo_html'])
def test_an_error_echoing_the_request_shows_no_secret(simulator, answer):
    secret = 'Ech0-pässwort "x"\\y'
    client = TestpressClient(simulator.url, username='admin', password=PASSWORD, max_retries=0)
    simulator.inject(answer=answer, method='POST', path=USERS)
    with pytest.raises(TestpressError) as caught:
        TestpressAPI(client).create_user({'username': 'echoed', 'password': secret})
    message = str(caught.value)
    for fragment in ('Ech0', 'pässwort', 'p\\u00e4sswort', 'p%C3%A4sswort', PASSWORD, client._token):
        assert fragment not in message
    if answer == 'echo_html':
        assert message == 'POST %s: 500 an HTML page of %s (text/html) titled "ValueError at %s"' % (
            USERS, message.split('an HTML page of ')[1].split(' (')[0], USERS)


def test_a_server_that_is_not_the_api_is_named_by_its_page_title(simulator, client):
    simulator.inject(answer='not_api', times=None)
    with pytest.raises(TestpressError) as caught:
        client.get(USERS)
    assert str(caught.value).startswith('POST /api/v2.5/auth-token/: 405 an HTML page of ')
    assert str(caught.value).endswith('''(text/html) titled "Sign in | Institute dashboard"; check that api_url is the '''
                                      "institute's base URL")


# ---------------------------------------------------------------- ids and URLs


@pytest.mark.parametrize('value', [True, False, 0, -3, '12', 1.0, None])
def test_an_id_is_a_positive_integer_never_a_bool(simulator, client, value):
    with pytest.raises(InputError, match='is not a user id: an id is a positive integer'):
        TestpressAPI(client).update_user(value, {'username': 'john'})
    assert simulator.log == []


@pytest.mark.parametrize('url, base', [
    ('https://demo.testpress.in', 'https://demo.testpress.in'),
    ('https://demo.testpress.in/', 'https://demo.testpress.in'),
    ('https://Demo.Testpress.in:8443/', 'https://Demo.Testpress.in:8443'),
    ('http://127.0.0.1:8765', 'http://127.0.0.1:8765'),
    ('http://[::1]:8765', 'http://[::1]:8765'),
])
def test_a_base_url_is_taken_as_given(url, base):
    assert check_api_url(url) == base


@pytest.mark.parametrize('url, words', [
    ('https://demo.testpress.in/admin/users/', "without a path: give https://demo.testpress.in, not "
                                               "https://demo.testpress.in/admin/users/"),
    ('https://demo.testpress.in/api/v2.5/', "without a path: give https://demo.testpress.in, not"),
    ('https://demo.testpress.in/?token=abc', 'not https://demo.testpress.in/?...'),
    ('https://admin:S3cret-pw@demo.testpress.in', 'must not hold a user name or password; give https://demo.testpress.in'),
    ('demo.testpress.in', "must be an http(s) URL such as https://demo.testpress.in, got 'demo.testpress.in'"),
    ('http://lms.example.com', 'allow_insecure_http: true (TESTPRESS_ALLOW_INSECURE_HTTP)'),
])
def test_a_url_that_is_not_a_base_url_says_what_to_give(url, words):
    with pytest.raises(InputError) as caught:
        check_api_url(url)
    assert words in str(caught.value)
    assert 'S3cret-pw' not in str(caught.value) and 'abc' not in str(caught.value)


def test_http_to_another_machine_is_taken_when_allowed():
    assert check_api_url('http://lms.example.com', allow_insecure_http=True) == 'http://lms.example.com'


# ---------------------------------------------------------------- the endpoints the collection assumes


def test_me_names_the_account_of_the_token(simulator, client):
    assert TestpressAPI(client).me()['username'] == 'admin'


def test_me_is_none_where_the_institute_does_not_serve_it(simulator, client):
    simulator.configure(me_status=404)
    assert TestpressAPI(client).me() is None


@pytest.mark.parametrize('status', [404, 405])
def test_a_courses_listing_not_served_names_the_assumption_and_its_section(simulator, client, status):
    simulator.configure(courses_listing_status=status)
    user_id = simulator.user('john')['id']
    with pytest.raises(AssumptionError) as caught:
        TestpressAPI(client).list_members('courses', user_id)
    assert caught.value.status == status
    assert caught.value.message.endswith("; the collection assumes the institute serves a user's courses listing here "
                                         '(docs/api-behaviour.md, section Memberships), and this one does not')
    assert TestpressAPI(client).list_members('batches', user_id) is not None


def test_a_missing_user_is_not_taken_for_a_missing_listing(simulator, client):
    with pytest.raises(TestpressError) as caught:
        TestpressAPI(client).list_members('batches', 987654)
    assert caught.value.status == 404 and not isinstance(caught.value, AssumptionError)


# ---------------------------------------------------------------- proxies of the environment


class RecordingProxy:
    """A proxy that records every request it is sent (and answers 502): what would cross it in clear text."""

    def __init__(self):
        seen = self.seen = []

        class Handler(BaseHTTPRequestHandler):
            def _any(self):
                seen.append((self.command, self.path, self.rfile.read(int(self.headers.get('Content-Length') or 0))))
                self.send_response(502)
                self.send_header('Content-Length', '0')
                self.end_headers()

            do_GET = do_POST = do_PUT = do_DELETE = do_CONNECT = _any

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://proxy-user:proxy-secret@127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def proxy(monkeypatch):
    recording = RecordingProxy()
    for name in ('NO_PROXY', 'no_proxy'):
        monkeypatch.delenv(name, raising=False)
    for name in ('HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'HTTPS_PROXY', 'https_proxy'):
        monkeypatch.setenv(name, recording.url)
    yield recording
    recording.close()


def test_an_environment_proxy_never_carries_an_http_call_nor_its_password(simulator, proxy):
    client = TestpressClient(simulator.url, username='admin', password=PASSWORD, max_retries=0)
    assert client.get(USERS)['results']
    assert client.post(USERS, {'username': 'via-no-proxy', 'password': 'Clear-Text-9'})['username'] == 'via-no-proxy'
    assert proxy.seen == []                                   # neither the login nor the create crossed the proxy
    assert [entry['method'] for entry in simulator.log] == ['POST', 'GET', 'POST']


def test_a_proxy_that_fails_an_https_call_is_named_not_the_institute(proxy, monkeypatch):
    closed = socket.socket()
    closed.bind(('127.0.0.1', 0))
    port = closed.getsockname()[1]
    closed.close()
    monkeypatch.setenv('HTTPS_PROXY', 'http://user:proxy-secret@127.0.0.1:%d' % port)
    monkeypatch.setenv('https_proxy', 'http://user:proxy-secret@127.0.0.1:%d' % port)
    with Simulator(tls=True) as sim:
        client = TestpressClient(sim.url, token='a-token-1234', validate_certs=False, max_retries=5)
        with pytest.raises(TestpressError) as caught:
            client.get(USERS)
        assert sim.log == []
    assert caught.value.message == ('connection failed: the proxy http://127.0.0.1:%d, which the environment names for '
                                    'this URL (HTTPS_PROXY or ALL_PROXY), gave no connection to 127.0.0.1; check the '
                                    'proxy, or add 127.0.0.1 to NO_PROXY (2 attempts)' % port)
    assert 'proxy-secret' not in str(caught.value)
