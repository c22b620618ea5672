# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The only code in the collection that speaks HTTP to Testpress.

``TestpressClient`` is the transport: one ``requests.Session`` (keep-alive, a pool sized for parallel
use), authentication, one send loop, pagination and errors; when a call may go out is ``_pace``'s, what
an error may show is ``_secrets``'. ``TestpressAPI`` (``_api``) is the table of endpoints. Neither
knows about Ansible, so both are usable (and tested) on their own.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
import traceback
from urllib.parse import urljoin, urlsplit

from ansible_collections.testpress.lms.plugins.module_utils import _pages, _transport
from ansible_collections.testpress.lms.plugins.module_utils._errors import (
    TRANSIENT_STATUSES,
    TestpressError,
    TokenRejected,
    UntrustedCertificate,
)
from ansible_collections.testpress.lms.plugins.module_utils._parallel import in_parallel
from ansible_collections.testpress.lms.plugins.module_utils._pages import kind_of, not_a_page, page_count, page_key, page_limit, page_urls, query_of
from ansible_collections.testpress.lms.plugins.module_utils._pace import Pace, ThrottledTooLong, Ticket, retry_after_seconds
from ansible_collections.testpress.lms.plugins.module_utils._progress import SILENT
from ansible_collections.testpress.lms.plugins.module_utils._secrets import (
    error_message,
    scrub_and_cut,
    scrub_server_text,
    size_in_words,
    summarise_body,
)

try:
    import requests
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

API = '/api/v2.5'
LOGIN_PATH = API + '/auth-token/'

# Status codes after which the server did not do the work, or may not have.
THROTTLED = 429
REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
# Attempts after the first of a call whose connection was refused (nothing listens on the port).
REFUSED_RETRIES = 1
MESSAGE_LIMIT = 1000
# The largest real answer, a page of 20 users, is some 20 kB: a body past this is refused, not read on.
MAX_ANSWER_BYTES = 20 * 1024 * 1024
# An error's body is a line of JSON: past this it is summarised, not read on.
MAX_ERROR_BYTES = 64 * 1024


def _with_slash(path):
    """Django answers a write to a path without its trailing slash with an error."""
    return path if path.endswith('/') else path + '/'


def _authorization(token):
    """The token as requests' ``auth``: with none given, requests would take a ~/.netrc entry for the
    host, send its password, and put Basic in place of the token's header."""
    def authorize(request):
        if token:
            request.headers['Authorization'] = 'JWT %s' % token
        return request
    return authorize


def _not_an_object(answer):
    """Why ``answer`` is not the JSON object a call expects, or None when it is one."""
    return None if isinstance(answer, dict) else 'the answer is %s, not an object' % kind_of(answer)


def _not_a_token(answer):
    return None if isinstance(answer, dict) and isinstance(answer.get('token'), str) and answer['token'] else 'the answer carried no token'


class _Call:
    """One call through the send loop: what to send, and how its attempts went."""

    def __init__(self, method, path, params, body, authenticate, replay_safe, check):
        self.method, self.path, self.params, self.body = method, path, params, body
        self.authenticate, self.check = authenticate, check
        # A POST may have been applied even when its answer is lost or a 5xx; so may a DELETE with a body
        # (items off a user's list), whose replay is refused ("User is not in batch"). A DELETE of a
        # record is replayed: a replay meets 404, which its caller takes as done.
        self.replay_safe = (method != 'POST' and not (method == 'DELETE' and body is not None)
                            if replay_safe is None else replay_safe)
        self.attempt = 0
        self.logged_in_again = False
        self.ticket = Ticket()


class TestpressClient:
    """Authenticated JSON calls to one Testpress institute, with retries and pagination.

    ``read_only`` turns any write into a programming error: check mode builds the
    client that way, so a write that slipped past the module's check-mode choke point
    fails loudly instead of changing a live institute.
    """

    def __init__(self, api_url, token=None, username=None, password=None, validate_certs=True, timeout=30,
                 max_retries=5, read_only=False, pool_size=16, sleep=time.sleep, rate_limit=None,
                 max_throttle_wait=600, clock=time.monotonic):
        self.base_url = api_url.rstrip('/')
        self.host = urlsplit(self.base_url).netloc
        self.validate_certs = validate_certs
        self.timeout = timeout
        self.max_retries = max_retries
        self.read_only = read_only
        self.pace = Pace(rate_limit=rate_limit, max_throttle_wait=max_throttle_wait, clock=clock, sleep=sleep)
        self._username = username
        self._password = password
        self._token = token
        self._token_lock = threading.Lock()
        self._session = _transport.session(pool_size, validate_certs)
        self._proxies = _transport.proxies_for(self.base_url)
        self.journal = None  # the write journal (``_journal.Journal``) when the task keeps one: every write goes in it

    @property
    def can_login(self):
        return bool(self._username and self._password)

    @property
    def secrets(self):
        """What no message of this client may show."""
        return [secret for secret in (self._token, self._password) if secret]

    def login(self):
        """Exchange the admin username and password for a token, and use it from now on."""
        answer = self._send('POST', LOGIN_PATH, body={'username': self._username, 'password': self._password},
                            authenticate=False, replay_safe=True, check=_not_a_token)
        self._token = answer['token']
        return self._token

    def request(self, method, path, params=None, body=None, action=None):
        """One call; ``path`` starts with ``/api/``. Returns the decoded JSON, or None for an empty answer."""
        return self._request(method, path, params=params, body=body, action=action)

    def request_object(self, method, path, params=None, body=None, check=None, action=None):
        """One call whose answer must be a JSON object (one record); anything else is a TestpressError, and so is
        an object of which ``check(answer)`` says what is wrong (a write acknowledged but not applied)."""
        return self._request(method, path, params=params, body=body, action=action,
                             check=lambda answer: _not_an_object(answer) or (check(answer) if check else None))

    def _request(self, method, path, params=None, body=None, check=None, action=None):
        if self.read_only and method != 'GET':
            raise RuntimeError('refusing %s %s: this client is read-only (check mode)' % (method, path))
        if self.journal is None or method == 'GET':
            return self._send(method, _with_slash(path), params=params, body=body, check=check)
        return self.journal.record(self._send, method, _with_slash(path), params, body, check, action, self._secrets_of(body))

    def get(self, path, params=None):
        return self.request('GET', path, params=params)

    def post(self, path, body=None, params=None, action=None):
        return self.request('POST', path, params=params, body=body, action=action)

    def delete(self, path, body=None, action=None):
        return self.request('DELETE', path, body=body, action=action)

    def get_all(self, path, params=None, workers=1, shape=None, progress=SILENT):
        """Every item of a paginated list, to the last page; ``shape(item)`` in place of each item when given
        (what a caller keeps of it, taken as each page arrives, so a long list is never held whole).

        With ``workers`` > 1, the pages after the first are read in parallel once the first
        answer gives ``count``; ``next`` is then followed from the last of them, so items added
        meanwhile are still read.

        Only the query of a ``next`` link is used, on ``path`` and our base URL: a proxy in front of
        Django builds links from its own view, and a link to another host must never get the token.
        A link back to a page already read, or more pages than ``page_limit`` allows, is an error; a list
        that gives no ``count`` ends at its first empty page (``list_ends``).
        ``progress`` (a ``_progress`` reporter) is told the pages, once the first gives their number, and each read.
        """
        path = _with_slash(path)

        def read(query):
            page = self._request('GET', path, params=query, check=not_a_page)
            if shape is not None:
                page['results'] = [shape(item) for item in page['results']]
            return page

        page = read(params)
        items = list(page['results'])
        limit = page_limit(page)
        seen = {page_key((params or {}).items())}
        urls = page_urls(page, len(items)) if workers > 1 else None
        progress.phase('reading', page_count(page, len(items)), 'pages', done=1)
        counted_read = progress.counted(read)
        if urls:
            queries = [query_of(url) for url in urls]
            for page in in_parallel(counted_read, queries, workers):
                items.extend(page['results'])
            seen.update(page_key(query) for query in queries)
        while page['next'] and not _pages.list_ends(page):
            query = query_of(page['next'])
            if page_key(query) in seen:
                raise self._error('GET', path, 200, 'the list loops: its next link leads back to a page already read')
            if len(seen) >= limit:
                raise self._error('GET', path, 200, 'the list does not end: still a next page after %d pages, more than '
                                  'its count of %s items allows' % (len(seen), page.get('count')))
            seen.add(page_key(query))
            page = counted_read(query)
            items.extend(page['results'])
        return items

    def _secrets_of(self, body):
        """The client's secrets and the password a call's body carries (an account being created)."""
        return self.secrets + ([body.get('password')] if isinstance(body, dict) else [])

    def _error(self, method, path, status, message, body=None, kind=TestpressError):
        return kind(method, urlsplit(path).path, status, scrub_and_cut(message, self._secrets_of(body), MESSAGE_LIMIT))

    def pause(self, attempt):
        """Back off before a caller's own retry: a write sent again once a read showed it did not happen."""
        self.pace.pause(attempt)

    def _current_token(self):
        with self._token_lock:
            if not self._token and self.can_login:
                self.login()
            return self._token

    def _refresh_token(self, stale_token):
        """Log in again after a 401, unless another thread already has."""
        with self._token_lock:
            if self._token == stale_token:
                self.login()

    def _send(self, method, path, params=None, body=None, authenticate=True, replay_safe=None, check=None):
        """The send loop: wait for the pace, send, then answer, retry or fail. Returns the decoded JSON answer.

        ``check(answer)`` says what is wrong with a successful answer's shape, or None.
        """
        call = _Call(method, path, params, body, authenticate, replay_safe, check)
        while True:
            token = self._current_token() if authenticate else None
            self.pace.wait_turn(call.ticket)
            try:
                response, content, complete = self._exchange(call, token)
            except requests.exceptions.RequestException as exc:
                self.pace.lost(call.ticket)
                self._after_no_answer(call, exc)
                continue
            except TestpressError:
                self.pace.lost(call.ticket)
                raise
            if response.status_code == THROTTLED:
                self._after_throttled(call, response)
                continue
            self.pace.accepted(call.ticket)
            if not self._retried(call, response.status_code, token):
                return self._answer(call, response, content, complete)

    def _exchange(self, call, token):
        """Send ``call`` once, following a read's redirects on our own scheme and host only; read the answer
        within ``timeout`` seconds in all. Returns ``(response, body, complete)``."""
        url, params = self.base_url + call.path, call.params
        for _hop in range(MAX_REDIRECTS + 1):
            with _transport.deadline(self.timeout):
                response = self._session.request(call.method, url, params=params, json=call.body, auth=_authorization(token),
                                                 timeout=self.timeout, verify=self.validate_certs, allow_redirects=False,
                                                 stream=True, proxies=dict(self._proxies or {}))
                if response.status_code in REDIRECTS and response.headers.get('Location'):
                    response.close()
                    url, params = self._redirect_target(call, url, response), None
                    continue
                limit = MAX_ERROR_BYTES if response.status_code >= 400 else MAX_ANSWER_BYTES
                content, complete = _transport.read_capped(response, limit)
                return response, content, complete
        raise self._error(call.method, call.path, None, 'more than %d redirects' % MAX_REDIRECTS)

    def _redirect_target(self, call, url, response):
        """Where a redirect leads, when it may be followed: a read, on our scheme and host (the token and the query
        go with it). Anything else is an error that names where it led (scheme, host and path, not the query)."""
        target = urlsplit(urljoin(url, response.headers['Location']))
        ours = urlsplit(self.base_url)
        if call.method == 'GET' and (target.scheme, target.netloc) == (ours.scheme, ours.netloc):
            return target.geturl()
        raise self._error(call.method, call.path, response.status_code,
                          'the answer redirects to %s://%s%s, which is not followed: only a read is, and only on %s. '
                          'If that is the institute, give its base URL as api_url'
                          % (target.scheme, target.netloc, target.path, self.base_url), call.body)

    def _after_no_answer(self, call, exc):
        """Pause before another attempt of a call that got no answer, or raise its error."""
        untrusted = _transport.caused_by(exc, ssl.SSLCertVerificationError)
        if untrusted is not None:
            raise self._error(call.method, call.path, None, "the server's certificate is not trusted (%s)" % untrusted.verify_message,
                              call.body, UntrustedCertificate) from None
        if _transport.caused_by(exc, socket.gaierror) is not None:
            raise self._error(call.method, call.path, None, 'connection failed: the host name %s does not resolve; check api_url'
                              % urlsplit(self.base_url).hostname, call.body) from None
        if not _transport.transient(exc):
            raise self._error(call.method, call.path, None, 'the request failed: %s' % type(exc).__name__, call.body) from None
        # A refused connection is no passing glitch: one more attempt (a server restarting), then the message at once.
        retries = min(self.max_retries, REFUSED_RETRIES) if _transport.refused(exc) else self.max_retries
        if call.attempt < retries and (call.replay_safe or _transport.never_sent(exc)):
            self.pace.pause(call.attempt)
            call.attempt += 1
            return
        raise self._error(call.method, call.path, None, self._given_up(call, exc), call.body) from None

    def _after_throttled(self, call, response):
        """A 429: the shared gate holds this call (and every other) for Retry-After; it does not use up max_retries."""
        try:
            self.pace.refused(call.ticket, retry_after_seconds(response.headers.get('Retry-After')))
        except ThrottledTooLong as exc:
            raise self._error(call.method, call.path, THROTTLED, str(exc), call.body) from None

    def _retried(self, call, status, token):
        """True when the answer calls for another attempt: one login again after a 401, or a transient 5xx."""
        if status == 401 and call.authenticate and self.can_login and not call.logged_in_again:
            call.logged_in_again = True
            self._refresh_token(token)
            return True
        if status in TRANSIENT_STATUSES and call.replay_safe and call.attempt < self.max_retries:
            self.pace.pause(call.attempt)
            call.attempt += 1
            return True
        return False

    def _answer(self, call, response, content, complete):
        """The decoded answer of a call, or its error: the server's message, a summary of what is not JSON."""
        status = response.status_code
        if not complete and status < 400:
            raise self._error(call.method, call.path, status, 'the answer is larger than %d MB: not read'
                              % (MAX_ANSWER_BYTES // 2 ** 20), call.body)
        try:
            answer, is_json = (json.loads(content) if content else None), complete
        except ValueError:
            answer, is_json = None, False
        except RecursionError:
            # No answer of the API nests more than a few levels: this one cannot be read, nor summarised.
            raise self._error(call.method, call.path, status, 'the answer is JSON nested too deep to read (%s): not read'
                              % size_in_words(len(content)), call.body) from None
        said = scrub_server_text(error_message(answer) if is_json else summarise_body(
            content, response.headers.get('Content-Type'), self._secrets_of(call.body), complete), self._secrets_of(call.body))
        if call.path == LOGIN_PATH and status in (400, 401, 403):
            raise self._error(call.method, call.path, status, "the login of '%s' at %s was refused (%s): check api_username "
                              'and api_password' % (self._username, self.host, said), call.body)
        if status == 403 and call.authenticate:
            raise self._error(call.method, call.path, status, '%s is not an institute admin at %s (%s): the Admin API needs '
                              'the login of an institute admin' % (self._account(), self.host, said), call.body)
        if status == 401 and call.authenticate and not self.can_login:
            raise self._error(call.method, call.path, status, 'the token was rejected (%s): it is invalid or has expired'
                              % said, call.body, TokenRejected)
        if status in (404, 405) and not is_json:
            # Not the API's own "Not found.": a web page where the API should be.
            raise self._error(call.method, call.path, status, "%s; check that api_url is the institute's base URL" % said,
                              call.body)
        if status >= 400:
            raise self._error(call.method, call.path, status, said, call.body)
        if not is_json and content:
            raise self._error(call.method, call.path, status, 'the answer is not JSON but %s; check that api_url is the '
                              "institute's base URL" % said, call.body)
        problem = call.check(answer) if call.check else None
        if problem:
            raise self._error(call.method, call.path, status, problem, call.body)
        return answer

    def _account(self):
        """The account the calls act as, in words: the login's username, else the token's."""
        return "the account '%s'" % self._username if self._username else 'the account of api_token'

    def _given_up(self, call, exc):
        """The message of a call that got no answer, after its retries."""
        parts = urlsplit(self.base_url)
        message = _transport.no_answer(exc, self.timeout, parts.hostname, parts.port or (443 if parts.scheme == 'https' else 80),
                                       _transport.environment_proxy(self.base_url) if self._proxies is None else None)
        if call.attempt:
            message += ' (%d attempts)' % (call.attempt + 1)
        if not call.replay_safe and not _transport.never_sent(exc):
            message += '; not sent again, as the server may have applied it'
        return message
