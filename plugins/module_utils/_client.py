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

import math
import random
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qsl, urlencode, urlsplit

from ansible_collections.testpress.lms.plugins.module_utils._errors import TestpressError

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import ConnectTimeoutError
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
TRANSIENT_STATUSES = (502, 503, 504)
# A server asking for a longer pause than this is treated as this, so a task cannot hang for hours.
MAX_RETRY_AFTER = 120.0
MAX_BACKOFF = 30.0
MESSAGE_LIMIT = 300
MIN_SECRET_LENGTH = 4


def _with_slash(path):
    """Django answers a write to a path without its trailing slash with an error."""
    return path if path.endswith('/') else path + '/'


def _never_sent(exc):
    """True when a connection error happened before the request reached the server."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], 'reason', None) if exc.args else None
    # urllib3's NewConnectionError (refused, unreachable) is a ConnectTimeoutError.
    return isinstance(reason, ConnectTimeoutError)


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
    if not next_url or not isinstance(count, int) or per_page <= 0:
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
        self._session.verify = validate_certs
        self._session.headers.update({'Accept': 'application/json', 'User-Agent': 'testpress.lms'})

    @property
    def can_login(self):
        return bool(self._username and self._password)

    def login(self):
        """Exchange the admin username and password for a token, and use it from now on."""
        answer = self._send('POST', LOGIN_PATH, body={'username': self._username, 'password': self._password},
                            authenticate=False, replay_safe=True)
        token = (answer or {}).get('token')
        if not token:
            raise TestpressError('POST', LOGIN_PATH, 200, 'the answer carried no token')
        self._token = token
        return token

    def request(self, method, path, params=None, body=None):
        """One call; ``path`` starts with ``/api/``. Returns the decoded JSON, or None for an empty answer."""
        if self.read_only and method != 'GET':
            raise RuntimeError('refusing %s %s: this client is read-only (check mode)' % (method, path))
        return self._send(method, _with_slash(path), params=params, body=body)

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
        """
        page = self.get(path, params)
        if isinstance(page, list):
            return page
        items = list(page.get('results') or [])
        seen = set()
        if workers > 1:
            urls = _page_urls(page, len(items))
            if urls:
                with ThreadPoolExecutor(max_workers=workers) as pool:
                    pages = list(pool.map(lambda url: self._send('GET', self._local(url)), urls))
                for page in pages:
                    items.extend(page.get('results') or [])
                seen.update(urls)
        while True:
            next_url = page.get('next')
            if not next_url or next_url in seen:
                return items
            seen.add(next_url)
            page = self._send('GET', self._local(next_url))
            if isinstance(page, list):
                return items + page
            items.extend(page.get('results') or [])

    def _local(self, url):
        """``next`` links are absolute and may name another scheme or host (a proxy in front of
        Django builds them from its own view); keep their path and query, on our base URL."""
        parts = urlsplit(url)
        return parts.path + ('?' + parts.query if parts.query else '')

    def _secrets(self, body):
        secrets = [self._token, self._password]
        if isinstance(body, dict):
            secrets.append(body.get('password'))
        # Too short a string would blank ordinary words of the message, and is no real secret.
        return [secret for secret in secrets if isinstance(secret, str) and len(secret) >= MIN_SECRET_LENGTH]

    def _error(self, method, path, status, message, body):
        for secret in self._secrets(body):
            message = message.replace(secret, '********')
        return TestpressError(method, urlsplit(path).path, status, message)

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

    def _send(self, method, path, params=None, body=None, authenticate=True, replay_safe=None):
        """The request loop: auth, one re-login on 401, retries, errors.

        A POST may have been applied even when its answer is lost or a 5xx, so it is
        replayed only when it surely was not (429 from the throttle, connection refused).
        """
        if replay_safe is None:
            replay_safe = method != 'POST'
        url = self.base_url + path
        attempt = 0
        logged_in_again = False
        while True:
            token = self._current_token() if authenticate else None
            headers = {'Authorization': 'JWT %s' % token} if token else {}
            try:
                response = self._session.request(method, url, params=params, json=body, headers=headers,
                                                 timeout=self.timeout, allow_redirects=method == 'GET')
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                if attempt < self.max_retries and (replay_safe or _never_sent(exc)):
                    self._pause(attempt)
                    attempt += 1
                    continue
                raise self._error(method, path, None, 'connection failed: %s' % type(exc).__name__, body) from None

            status = response.status_code
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
            if status >= 400:
                try:
                    payload = response.json()
                except ValueError:
                    payload = None
                raise self._error(method, path, status, error_message(payload, response.text), body)
            if not response.content:
                return None
            try:
                return response.json()
            except ValueError:
                raise self._error(method, path, status, 'the answer is not JSON: %s' % error_message(None, response.text), body) from None


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
        return self.client.get(self._user_path(user_id))

    def create_user(self, body, auto_generate_password=False, notify_credential=False):
        params = {}
        if auto_generate_password:
            params['auto_generate_password'] = 'true'
        if notify_credential:
            params['notify_credential'] = 'true'
        return self.client.post(USERS_PATH, body, params=params or None)

    def update_user(self, user_id, body):
        return self.client.put(self._user_path(user_id), body)

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
        return self.client.get('%s%d/' % (path, int(item_id)))
