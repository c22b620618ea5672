# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""No spelling of a secret survives a message: the scrubber alone, then a hostile server echoing a password
back to the client in every spelling, in a JSON error and in an HTML page."""

from __future__ import annotations

import html
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, quote_plus

import pytest

from ansible_collections.testpress.lms.plugins.module_utils._client import TestpressClient
from ansible_collections.testpress.lms.plugins.module_utils._errors import TestpressError
from ansible_collections.testpress.lms.plugins.module_utils._secrets import (
    MASK,
    scrub,
    scrub_all,
    scrub_and_cut,
    scrub_server_text,
    spellings,
    summarise_body,
)

SECRETS = ['pässwort-Ωmega', 'Pa"ss\\word9', 'two  spaced\twords', "it's-a-secret", 'plain-Secret-42']


def echoes(secret):
    """Every way a server or a library has been seen to echo ``secret``."""
    return {
        'as is': secret,
        'JSON, ASCII escapes': json.dumps(secret)[1:-1],
        'JSON, no ASCII escapes': json.dumps(secret, ensure_ascii=False)[1:-1],
        'JSON, upper-case escapes': json.dumps(secret)[1:-1].replace('\\u00e4', '\\u00E4').replace('\\u03a9', '\\u03A9'),
        'JSON twice': json.dumps(json.dumps(secret))[1:-1],
        'repr': repr(secret),
        'ascii()': ascii(secret),
        'ascii() of a dict': ascii({'password': secret}),
        'unicode_escape': secret.encode('unicode_escape').decode('ascii'),
        'unicode_escape, upper-case escapes': secret.encode('unicode_escape').decode('ascii').replace('\\xe4', '\\xE4'),
        're.escape': re.escape(secret),
        'every character backslash-escaped': ''.join('\\' + char for char in secret),
        'repr of a dict': repr({'password': secret}),
        'repr of bytes': repr(secret.encode('utf-8')),
        'whitespace collapsed': ' '.join(secret.split()),
        'HTML-escaped': html.escape(secret),
        'quote': quote(secret),
        'quote, nothing safe': quote(secret, safe=''),
        'quote_plus': quote_plus(secret),
        'lower-case URL escapes': quote_plus(secret).lower() if secret.islower() else quote_plus(secret),
    }


@pytest.mark.parametrize('secret', SECRETS)
def test_every_spelling_of_a_secret_is_masked(secret):
    for how, echoed in echoes(secret).items():
        text = 'Unable to log in with %s: wrong' % echoed
        scrubbed = scrub(text, [secret])
        for spelling in spellings(secret):
            assert spelling not in scrubbed, (how, scrubbed)
        assert MASK in scrubbed and scrubbed.startswith('Unable to log in with ') and scrubbed.endswith(': wrong'), how


def test_a_secret_is_masked_before_the_cut_so_no_start_of_it_is_left():
    secret = 'Hunter2-prod-secret'
    text = 'x' * 290 + ' password=' + secret + ' and more'
    cut = scrub_and_cut(text, [secret], 300)
    assert 'Hunt' not in cut and cut.endswith('...')
    # A server's own echo cut where our cut falls: its start is masked too.
    cut = scrub_and_cut('y' * 296 + secret[:6] + 'zzzz', [secret], 302)
    assert 'Hunt' not in cut and MASK in cut


@pytest.mark.parametrize('secret, text, expected', [
    ('a', "password 'a' is too short", "password '%s' is too short" % MASK),
    ('a', 'Unable to log in as admin', 'Unable to log in as admin'),
    ('7', '{"password": "7"}', '{"password": "%s"}' % MASK),
    ('ab', 'ab: grab the tab', '%s: grab the tab' % MASK),
    ('!', 'the password is !', 'the password is %s' % MASK),
])
def test_a_short_secret_is_masked_as_a_whole_token_only(secret, text, expected):
    assert scrub(text, [secret]) == expected


@pytest.mark.parametrize('text, expected', [
    ('wrong password: xQ7zy', 'wrong password: %s' % MASK),
    ('Q7z_account and Q7z', '%s and %s' % (MASK, MASK)),
    ('{"password": "Q7z"} and aQ7z9', '{"password": "%s"} and %s' % (MASK, MASK)),
    ('Unable to log in as admin', 'Unable to log in as admin'),
])
def test_a_secret_of_three_characters_is_masked_with_the_word_it_is_glued_to(text, expected):
    assert scrub(text, ['Q7z']) == expected


@pytest.mark.parametrize('echo', ['password: Hunter2-pro... (cut)', 'password: Hunter2-pro\u2026', 'password: Hunter2-pro',
                                  'password: Hunter2-pro  \nnext line', 'password=Hunt...', 'password: Hunter2\\-pr...',
                                  "password: 'Hunter2-pr"])
def test_the_start_of_a_secret_that_the_server_cut_is_masked(echo):
    scrubbed = scrub_server_text(echo, ['Hunter2-prod-secret'])
    assert 'Hun' not in scrubbed and MASK in scrubbed
    if '...' in echo or '\u2026' in echo:                     # marked: in any text
        assert 'Hun' not in scrub(echo, ['Hunter2-prod-secret'])


def test_the_end_of_a_message_of_ours_is_no_cut_whatever_a_secret_starts_with():
    assert scrub('the token is invalid or has expired', ['expired-token-99']) == 'the token is invalid or has expired'
    assert scrub_server_text('Signature has expired', ['expired-token-99']) == 'Signature has %s' % MASK


@pytest.mark.parametrize('text', ["the login of 'admin' at 127.0.0.1", 'check api_username and api_password',
                                  'Hunter is a name, not a cut'])
def test_a_word_that_merely_starts_like_a_secret_is_left_alone(text):
    assert scrub_server_text(text, ['admin-pass-123', 'word-1234', 'Hunter2-prod-secret']) == text


def test_a_long_secret_is_masked_even_inside_words():
    assert scrub('xxsecret-1yy', ['secret-1']) == 'xx%syy' % MASK


def test_scrub_all_goes_through_results():
    result = {'msg': 'bad pw-12345', 'failures': [{'msg': 'pw-12345 rejected', 'pw-12345': 1}], 'count': 3}
    assert scrub_all(result, ['pw-12345']) == {'msg': 'bad ' + MASK, 'failures': [{'msg': MASK + ' rejected', MASK: 1}],
                                               'count': 3}


def test_nothing_to_scrub_leaves_the_text_alone():
    assert scrub('a message', []) == 'a message'
    assert scrub('a message', [None, '']) == 'a message'


def test_an_html_body_is_summarised_by_its_title_never_echoed():
    page = b'<html><head><title>Login failed for s3cret-pass</title></head><body>you sent s3cret-pass</body></html>'
    assert summarise_body(page, 'text/html; charset=utf-8', ['s3cret-pass']) == (
        'an HTML page of %d bytes (text/html) titled "Login failed for %s"' % (len(page), MASK))
    assert summarise_body(b'oops' * 600, 'text/plain', []) == 'an answer of 2 kB (text/plain)'
    assert summarise_body(b'', None, []) == 'an empty answer (no content type)'
    assert summarise_body(b'x' * 65536, 'text/plain', [], complete=False) == 'an answer of more than 64 kB (text/plain)'


# ---------------------------------------------------------------- a hostile server, through the client


class EchoHandler(BaseHTTPRequestHandler):
    """Answers a login with the request echoed back in every spelling, as a JSON error or an HTML page."""

    disable_nagle_algorithm = True
    style = 'json'

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers['Content-Length'])))
        spelled = ' | '.join('%s: %s' % item for item in echoes(body['password']).items())
        if self.style == 'json':
            payload = json.dumps({'non_field_errors': ['Unable to log in with %s' % spelled]}).encode()
            content_type = 'application/json'
        else:
            # A long title: the summary's cut of it falls in the middle of the password.
            payload = ('<html><title>Denied %s%s</title><body>%s</body></html>' % ('x' * 68, body['password'], spelled)).encode()
            content_type = 'text/html'
        self.send_response(400)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture(params=['json', 'html'])
def echo_server(request):
    handler = type('Handler', (EchoHandler,), {'style': request.param})
    server = ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield 'http://127.0.0.1:%d' % server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join()


def assert_no_spelling(message, secret):
    for how, echoed in echoes(secret).items():
        assert echoed not in message, how
    for spelling in spellings(secret):
        assert spelling not in message
        assert spelling[:4] not in message


@pytest.mark.parametrize('secret', SECRETS)
def test_a_server_echoing_the_password_in_every_spelling_leaks_none(echo_server, secret):
    client = TestpressClient(echo_server, username='admin', password=secret, max_retries=0)
    with pytest.raises(TestpressError) as caught:
        client.get('/api/v2.5/admin/users/')
    message = str(caught.value)
    assert message.startswith("POST /api/v2.5/auth-token/: 400 the login of 'admin' at 127.0.0.1:")
    assert_no_spelling(message, secret)


@pytest.mark.parametrize('secret', SECRETS)
def test_a_server_echoing_a_created_accounts_password_leaks_none(echo_server, secret):
    client = TestpressClient(echo_server, token='a-token-1234', max_retries=0)
    with pytest.raises(TestpressError) as caught:
        client.post('/api/v2.5/admin/users/', {'username': 'new', 'password': secret})
    assert_no_spelling(str(caught.value), secret)
