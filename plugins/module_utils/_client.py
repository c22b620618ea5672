# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The only code in the collection that speaks HTTP to Testpress.

``TestpressClient`` is the transport: one ``requests.Session`` (keep-alive, a pool
sized for parallel use), authentication, retries, pagination and errors.
``TestpressAPI`` is the table of endpoints: nothing else in the collection builds a URL.
Neither knows about Ansible, so both are usable (and tested) on their own.
"""

from __future__ import annotations

import json
import math
import random
import ssl
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qsl, urlencode, urlsplit

from ansible_collections.testpress.lms.plugins.module_utils._errors import (
    TRANSIENT_STATUSES,
    TestpressError,
    TokenRejected,
    UntrustedCertificate,
)

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import ConnectTimeoutError, ReadTimeoutError
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

API = '/api/v2.5'
# The one endpoint Testpress serves only under the older version.
DELETE_USER_API = '/api/v2.2'
LOGIN_PATH = API + '/auth-token/'
USERS_PATH = API + '/admin/users/'

# Status codes after which the server did not do the work, or may not have.
THROTTLED = 429
# A server asking for a longer pause than this is treated as this, so a task cannot hang for hours.
MAX_RETRY_AFTER = 120.0
MAX_BACKOFF = 30.0
MESSAGE_LIMIT = 300
MIN_SECRET_LENGTH = 4
# The largest real answer, a page of 20 users, is some 20 kB: a body past this is refused, not read on.
MAX_ANSWER_BYTES = 20 * 1024 * 1024
READ_CHUNK = 64 * 1024
# A list may grow while it is read, so it may take more pages than its first page's count says: up to
# 10% more, or PAGE_MARGIN, before it counts as a list that does not end.
PAGE_MARGIN = 10
# Whatever count says, or when there is none: 1,000,000 items at 20 a page.
MAX_PAGES = 50000


def _with_slash(path):
    """Django answers a write to a path without its trailing slash with an error."""
    return path if path.endswith('/') else path + '/'


def _causes(exc):
    """``exc`` and what it wraps (requests wraps urllib3, which wraps the socket and ssl errors)."""
    seen, pending = [], [exc]
    while pending:
        current = pending.pop()
        if not isinstance(current, BaseException) or any(current is old for old in seen):
            continue
        seen.append(current)
        pending.extend(current.args)
        pending.extend((getattr(current, 'reason', None), current.__cause__, current.__context__))
    return seen


def _caused_by(exc, kind):
    return next((cause for cause in _causes(exc) if isinstance(cause, kind)), None)


def _never_sent(exc):
    """True when a connection error happened before the request reached the server."""
    # urllib3's NewConnectionError (refused, unreachable) is a ConnectTimeoutError.
    return _caused_by(exc, ConnectTimeoutError) is not None


def _transient(exc):
    """True for a failure of the connection or the answer's transfer, which another attempt may not meet."""
    return isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                            requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError))


def _no_answer(exc, timeout):
    """Why a call got no answer, in words; never the exception's text, which holds the URL and its query."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return 'connection failed: no connection within %s s' % timeout
    if isinstance(exc, requests.exceptions.Timeout) or _caused_by(exc, ReadTimeoutError):
        return 'timed out after %s s' % timeout
    if _never_sent(exc):
        return 'connection failed: refused or unreachable'
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
        return 'the answer was cut off'
    return 'connection failed: closed without an answer'


def _authorization(token):
    """The token as requests' ``auth``: with none given, requests would take a ~/.netrc entry for the
    host, send its password, and put Basic in place of the token's header."""
    def authorize(request):
        if token:
            request.headers['Authorization'] = 'JWT %s' % token
        return request
    return authorize


def _read_capped(response):
    """The body of ``response``, or None when it is larger than MAX_ANSWER_BYTES (then left unread).

    Either way the response is released: a body read whole keeps its connection for the next call.
    """
    with response:
        chunks, size = [], 0
        for chunk in response.iter_content(READ_CHUNK):
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                return None
            chunks.append(chunk)
        return b''.join(chunks)


def _kind_of(value):
    return 'nothing' if value is None else 'a %s' % type(value).__name__


def _not_an_object(answer):
    """Why ``answer`` is not the JSON object a call expects, or None when it is one."""
    return None if isinstance(answer, dict) else 'the answer is %s, not an object' % _kind_of(answer)


def _not_a_page(answer):
    """Why ``answer`` is not a page of a list (``results``, ``next``, ``count``), or None."""
    if not isinstance(answer, dict):
        return 'the answer is %s, not a page of results' % _kind_of(answer)
    results, count, next_url = answer.get('results'), answer.get('count'), answer.get('next')
    if not isinstance(results, list) or not all(isinstance(item, dict) for item in results):
        return 'the answer is not a page of results: its results are not a list of objects'
    if not (next_url is None or isinstance(next_url, str)) or isinstance(count, bool) or not (count is None or isinstance(count, int)):
        return 'the answer is not a page of results: next or count has the wrong type'
    return None


def _not_a_token(answer):
    return None if isinstance(answer, dict) and isinstance(answer.get('token'), str) and answer['token'] else 'the answer carried no token'


def _query(url):
    """The query of a page link, as the pairs to send: a link's scheme, host and path are never used."""
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def _page_key(pairs):
    """What makes two links the same page of one list."""
    return tuple(sorted((str(name), str(value)) for name, value in pairs))


def _page_limit(first_page):
    """How many pages a list may take before it counts as one that does not end (see PAGE_MARGIN)."""
    count, results = first_page.get('count'), first_page['results']
    per_page = first_page.get('per_page')
    if not isinstance(per_page, int) or isinstance(per_page, bool) or per_page <= 0:
        per_page = len(results)
    if count is None or per_page <= 0:
        return MAX_PAGES
    expected = math.ceil(count / per_page)
    return min(MAX_PAGES, expected + max(PAGE_MARGIN, expected // 10))


def error_message(payload, text=''):
    """Flatten a Django REST framework error body into one line.

    ``{"detail": "..."}`` gives the detail; ``{"field": ["msg", ...]}`` gives
    ``field: msg``; anything else gives the start of the body text.
    """
    if isinstance(payload, dict):
        if 'detail' in payload and len(payload) == 1:
            return str(payload['detail'])
        parts = []
        for field, messages in payload.items():
            if not isinstance(messages, list):
                messages = [messages]
            text_of = ' '.join(str(message) for message in messages)
            parts.append(text_of if field in ('detail', 'non_field_errors') else '%s: %s' % (field, text_of))
        return '; '.join(parts)
    if isinstance(payload, list):
        return '; '.join(str(item) for item in payload)
    return ' '.join(text.split())[:MESSAGE_LIMIT] or 'no message'


def _page_urls(first_page, per_page):
    """The links of pages 2..last, made from the first page's ``next`` link and ``count``.

    The page number is the query parameter whose value is 2 in ``next`` (Django REST
    framework's ``page``). None when the answer does not have that shape: read page by page then.
    """
    count, next_url = first_page.get('count'), first_page.get('next')
    if not next_url or not isinstance(count, int) or per_page <= 0 or math.ceil(count / per_page) > MAX_PAGES:
        return None
    parts = urlsplit(next_url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    numbered = [index for index, (_name, value) in enumerate(query) if value == '2']
    if len(numbered) != 1:
        return None
    position = numbered[0]
    urls = []
    for number in range(2, math.ceil(count / per_page) + 1):
        query[position] = (query[position][0], str(number))
        urls.append(parts._replace(query=urlencode(query)).geturl())
    return urls


class TestpressClient:
    """Authenticated JSON calls to one Testpress institute, with retries and pagination.

    ``read_only`` turns any write into a programming error: check mode builds the
    client that way, so a write that slipped past the module's check-mode choke point
    fails loudly instead of changing a live institute.
    """

    def __init__(self, api_url, token=None, username=None, password=None, validate_certs=True,
                 timeout=30, max_retries=5, read_only=False, backoff=0.5, pool_size=16, sleep=time.sleep):
        self.base_url = api_url.rstrip('/')
        self.validate_certs = validate_certs
        self.timeout = timeout
        self.max_retries = max_retries
        self.read_only = read_only
        self.backoff = backoff
        self._username = username
        self._password = password
        self._token = token
        self._token_lock = threading.Lock()
        self._sleep = sleep
        self._session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        self._session.mount('http://', adapter)
        self._session.mount('https://', adapter)
        # Given on every request too: a session's verify=False alone loses to REQUESTS_CA_BUNDLE.
        self._session.verify = validate_certs
        self._session.headers.update({'Accept': 'application/json', 'User-Agent': 'testpress.lms'})

    @property
    def can_login(self):
        return bool(self._username and self._password)

    def login(self):
        """Exchange the admin username and password for a token, and use it from now on."""
        answer = self._send('POST', LOGIN_PATH, body={'username': self._username, 'password': self._password},
                            authenticate=False, replay_safe=True, check=_not_a_token)
        self._token = answer['token']
        return self._token

    def request(self, method, path, params=None, body=None):
        """One call; ``path`` starts with ``/api/``. Returns the decoded JSON, or None for an empty answer."""
        return self._request(method, path, params=params, body=body)

    def request_object(self, method, path, params=None, body=None):
        """One call whose answer must be a JSON object (one record); anything else is a TestpressError."""
        return self._request(method, path, params=params, body=body, check=_not_an_object)

    def _request(self, method, path, params=None, body=None, check=None):
        if self.read_only and method != 'GET':
            raise RuntimeError('refusing %s %s: this client is read-only (check mode)' % (method, path))
        return self._send(method, _with_slash(path), params=params, body=body, check=check)

    def get(self, path, params=None):
        return self.request('GET', path, params=params)

    def post(self, path, body=None, params=None):
        return self.request('POST', path, params=params, body=body)

    def put(self, path, body=None):
        return self.request('PUT', path, body=body)

    def delete(self, path, body=None):
        return self.request('DELETE', path, body=body)

    def get_all(self, path, params=None, workers=1):
        """Every item of a paginated list, to the last page.

        With ``workers`` > 1, the pages after the first are read in parallel once the first
        answer gives ``count``; ``next`` is then followed from the last of them, so items added
        meanwhile are still read.

        Only the query of a ``next`` link is used, on ``path`` and our base URL: a proxy in front of
        Django builds links from its own view, and a link to another host must never get the token.
        A link back to a page already read, or more pages than ``_page_limit`` allows, is an error.
        """
        path = _with_slash(path)
        page = self._request('GET', path, params=params, check=_not_a_page)
        items = list(page['results'])
        limit = _page_limit(page)
        read = {_page_key((params or {}).items())}
        urls = _page_urls(page, len(items)) if workers > 1 else None
        if urls:
            queries = [_query(url) for url in urls]
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for page in pool.map(lambda query: self._request('GET', path, params=query, check=_not_a_page), queries):
                    items.extend(page['results'])
            read.update(_page_key(query) for query in queries)
        while page['next']:
            query = _query(page['next'])
            if _page_key(query) in read:
                raise self._error('GET', path, 200, 'the list loops: its next link leads back to a page already read', None)
            if len(read) >= limit:
                raise self._error('GET', path, 200, 'the list does not end: still a next page after %d pages, more than '
                                  'its count of %s items allows' % (len(read), page.get('count')), None)
            read.add(_page_key(query))
            page = self._request('GET', path, params=query, check=_not_a_page)
            items.extend(page['results'])
        return items

    def _secrets(self, body):
        secrets = [self._token, self._password]
        if isinstance(body, dict):
            secrets.append(body.get('password'))
        # Too short a string would blank ordinary words of the message, and is no real secret.
        return [secret for secret in secrets if isinstance(secret, str) and len(secret) >= MIN_SECRET_LENGTH]

    def _error(self, method, path, status, message, body, kind=TestpressError):
        for secret in self._secrets(body):
            message = message.replace(secret, '********')
        return kind(method, urlsplit(path).path, status, message)

    def pause(self, attempt):
        """Back off before a caller's own retry: a write sent again once a read showed it did not happen."""
        self._pause(attempt)

    def _pause(self, attempt):
        """Exponential backoff with jitter, so parallel workers do not retry in step."""
        self._sleep(min(MAX_BACKOFF, self.backoff * (2 ** attempt)) * random.uniform(0.5, 1.0))

    def _retry_after(self, response, attempt):
        value = response.headers.get('Retry-After', '')
        try:
            self._sleep(min(MAX_RETRY_AFTER, max(0.0, float(value))))
        except ValueError:
            self._pause(attempt)

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
        """The request loop: auth, one re-login on 401, retries, errors; returns the decoded JSON answer.

        A POST may have been applied even when its answer is lost or a 5xx, so it is
        replayed only when it surely was not (429 from the throttle, connection refused).
        So is a DELETE with a body (items off a user's list): its replay after it was applied
        is refused ("User is not in batch"). Callers recover both by reading back. A DELETE
        of a record is replayed: a replay meets 404, which its caller takes as done.
        ``check(answer)`` says what is wrong with a successful answer's shape, or None.
        """
        if replay_safe is None:
            replay_safe = method != 'POST' and not (method == 'DELETE' and body is not None)
        url = self.base_url + path
        attempt = 0
        logged_in_again = False
        while True:
            token = self._current_token() if authenticate else None
            try:
                response = self._session.request(method, url, params=params, json=body, auth=_authorization(token),
                                                 timeout=self.timeout, verify=self.validate_certs,
                                                 allow_redirects=method == 'GET', stream=True)
                content = _read_capped(response)
            except requests.exceptions.RequestException as exc:
                untrusted = _caused_by(exc, ssl.SSLCertVerificationError)
                if untrusted is not None:
                    raise self._error(method, path, None, "the server's certificate is not trusted (%s)" % untrusted.verify_message,
                                      body, UntrustedCertificate) from None
                if not _transient(exc):
                    raise self._error(method, path, None, 'the request failed: %s' % type(exc).__name__, body) from None
                if attempt < self.max_retries and (replay_safe or _never_sent(exc)):
                    self._pause(attempt)
                    attempt += 1
                    continue
                raise self._error(method, path, None, self._given_up(exc, attempt, replay_safe), body) from None

            status = response.status_code
            if content is None:
                raise self._error(method, path, status, 'the answer is larger than %d MB: not read' % (MAX_ANSWER_BYTES // 2 ** 20), body)
            if status == 401 and authenticate and self.can_login and not logged_in_again:
                logged_in_again = True
                self._refresh_token(token)
                continue
            if status == THROTTLED and attempt < self.max_retries:
                self._retry_after(response, attempt)
                attempt += 1
                continue
            if status in TRANSIENT_STATUSES and replay_safe and attempt < self.max_retries:
                self._pause(attempt)
                attempt += 1
                continue
            text = content.decode('utf-8', 'replace')
            try:
                answer = json.loads(content) if content else None
            except ValueError:
                if status < 400:
                    raise self._error(method, path, status, 'the answer is not JSON: %s' % error_message(None, text), body) from None
                answer = None
            if status == 401 and authenticate and not self.can_login:
                raise self._error(method, path, status, 'the token was rejected (%s): it is invalid or has expired'
                                  % error_message(answer, text), body, TokenRejected)
            if status >= 400:
                raise self._error(method, path, status, error_message(answer, text), body)
            problem = check(answer) if check else None
            if problem:
                raise self._error(method, path, status, problem, body)
            return answer

    def _given_up(self, exc, attempt, replay_safe):
        """The message of a call that got no answer, after ``attempt`` retries."""
        message = _no_answer(exc, self.timeout)
        if attempt:
            message += ' (%d attempts)' % (attempt + 1)
        if not replay_safe and not _never_sent(exc):
            message += '; not sent again, as the server may have applied it'
        return message


class TestpressAPI:
    """The Testpress endpoints the collection uses, by what they do."""

    # Catalogue search: batches take ?search= (substring), courses ?q= (fuzzy).
    CATALOGUE = {
        'batches': (API + '/admin/batches/', 'search'),
        'courses': (API + '/admin/courses/', 'q'),
    }

    def __init__(self, client):
        self.client = client

    @staticmethod
    def _user_path(user_id, sub=None):
        return '%s%d/%s' % (USERS_PATH, int(user_id), sub + '/' if sub else '')

    def search_users(self, text, workers=1):
        """``?q=`` matches username or email as a substring: callers pick exact matches."""
        return self.client.get_all(USERS_PATH, {'q': text}, workers=workers)

    def users_by_email(self, email):
        return self.client.get_all(USERS_PATH, {'email': email})

    def list_users(self, workers=1):
        """Every user, each with the ``batches`` the list embeds; pages read by ``workers`` in parallel."""
        return self.client.get_all(USERS_PATH, workers=workers)

    def find_user(self, username):
        """The account whose username is exactly ``username``, or None."""
        for user in self.search_users(username):
            if user.get('username') == username:
                return user
        return None

    def get_user(self, user_id):
        return self.client.request_object('GET', self._user_path(user_id))

    def create_user(self, body, auto_generate_password=False, notify_credential=False):
        params = {}
        if auto_generate_password:
            params['auto_generate_password'] = 'true'
        if notify_credential:
            params['notify_credential'] = 'true'
        return self.client.request_object('POST', USERS_PATH, params=params or None, body=body)

    def update_user(self, user_id, body):
        return self.client.request_object('PUT', self._user_path(user_id), body=body)

    def delete_user(self, user_id):
        self.client.delete('%s/admin/users/%d/' % (DELETE_USER_API, int(user_id)))

    def list_members(self, kind, user_id):
        return self.client.get_all(self._user_path(user_id, kind))

    def add_members(self, kind, user_id, ids):
        return self.client.post(self._user_path(user_id, kind), {kind: list(ids)})

    def remove_members(self, kind, user_id, ids):
        return self.client.delete(self._user_path(user_id, kind), {kind: list(ids)})

    def list_subscriptions(self, user_id):
        return self.client.get_all(self._user_path(user_id, 'subscriptions'))

    def add_subscriptions(self, user_id, ids, expires):
        return self.client.post(self._user_path(user_id, 'subscriptions'), {'batches': list(ids), 'expires': expires})

    def search_catalogue(self, kind, text):
        path, parameter = self.CATALOGUE[kind]
        return self.client.get_all(path, {parameter: text})

    def get_catalogue_item(self, kind, item_id):
        path = self.CATALOGUE[kind][0]
        return self.client.request_object('GET', '%s%d/' % (path, int(item_id)))
