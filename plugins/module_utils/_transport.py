# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The HTTP plumbing beneath ``_client``: which URL may be used, the session, a bound on a whole exchange,
a lost call in words.

``requests``' ``timeout`` bounds each wait for a byte, so a server that drips one byte every few seconds
keeps a call alive for ever. ``deadline(seconds)`` bounds the whole exchange (headers and body): when it
passes, the socket of the call is shut down, which ends the read in the thread that waits on it.
Nothing here knows about Ansible; only ``_client`` sends through it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
from urllib.parse import urlsplit

from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
    from urllib3.exceptions import ConnectTimeoutError, ReadTimeoutError
except ImportError:
    HTTPConnection = HTTPSConnection = HTTPConnectionPool = HTTPSConnectionPool = HTTPAdapter = object

_current = threading.local()
# How much of an answer is read at a time.
READ_CHUNK = 64 * 1024


def _is_loopback(host):
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def clear_text_to(url):
    """The host an ``http://`` URL reaches when it is another machine (credentials in clear text), else None."""
    parts = urlsplit(url)
    return parts.hostname if parts.scheme == 'http' and not _is_loopback(parts.hostname) else None


def check_api_url(api_url, allow_insecure_http=False):
    """``api_url`` as the institute's base URL (``https://host[:port]``), or an InputError saying what is wrong.

    Plain ``http://`` is refused unless the host is this machine or ``allow_insecure_http`` is set: the admin
    password and the token would cross the network in clear text.
    """
    parts = urlsplit(api_url)
    base = '%s://%s' % (parts.scheme, parts.netloc.rpartition('@')[2])
    if '@' in parts.netloc:
        raise InputError('api_url must not hold a user name or password; give %s as api_url, and api_username and '
                         'api_password (or api_token) apart' % base)
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        raise InputError("api_url must be an http(s) URL such as https://demo.testpress.in, got '%s'" % api_url)
    if parts.path.strip('/') or parts.query or parts.fragment:
        raise InputError("api_url must be the institute's base URL, without a path: give %s, not %s%s"
                         % (base, base, parts.path + ('?...' if parts.query else '')))
    if clear_text_to(base) and not allow_insecure_http:
        raise InputError('api_url uses http:// to %s, another machine: the admin password and the API token would cross '
                         'the network in clear text. Use https://, or set allow_insecure_http: true '
                         '(TESTPRESS_ALLOW_INSECURE_HTTP) on a network you trust' % parts.hostname)
    return base


class _Deadline:
    """Shuts down the socket of the exchange under way when ``seconds`` have passed."""

    def __init__(self, seconds):
        self.expired = False
        self._sockets = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def attach(self, sock):
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self):
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def cancel(self):
        self._timer.cancel()


def _shut(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


@contextlib.contextmanager
def deadline(seconds):
    """Bound what runs inside (one exchange of this thread) to ``seconds`` in all: past it, a read fails
    with ``requests.exceptions.ReadTimeout``."""
    watch = _Deadline(seconds)
    _current.deadline = watch
    try:
        yield watch
    except requests.exceptions.RequestException:
        if watch.expired:
            raise requests.exceptions.ReadTimeout() from None
        raise
    finally:
        _current.deadline = None
        watch.cancel()


def _watched(connection):
    watch = getattr(_current, 'deadline', None)
    if watch is not None and connection.sock is not None:
        watch.attach(connection.sock)


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self, *args, **kwargs):
        _watched(self)
        return super().getresponse(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self, *args, **kwargs):
        _watched(self)
        return super().getresponse(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _Adapter(HTTPAdapter):
    """Keep-alive connections, whose exchanges ``deadline`` can cut short; never a retry of its own."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {'http': _WatchedHTTPPool, 'https': _WatchedHTTPSPool}


def session(pool_size, validate_certs):
    """A ``requests.Session`` with a connection pool for ``pool_size`` parallel workers."""
    result = requests.Session()
    adapter = _Adapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
    result.mount('http://', adapter)
    result.mount('https://', adapter)
    # Given on every request too: a session's verify=False alone loses to REQUESTS_CA_BUNDLE.
    result.verify = validate_certs
    result.headers.update({'Accept': 'application/json', 'User-Agent': 'testpress.lms'})
    return result


def read_capped(response, limit):
    """``(body, complete)``: the body of ``response``, or its first ``limit`` bytes and False (the rest unread).

    Either way the response is released: a body read whole keeps its connection for the next call.
    """
    with response:
        chunks, size = [], 0
        for chunk in response.iter_content(READ_CHUNK):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                return b''.join(chunks)[:limit], False
        return b''.join(chunks), True


def proxies_for(base_url):
    """requests' ``proxies`` for every call to ``base_url``: for ``http://``, none of the environment's
    (HTTP_PROXY, ALL_PROXY): they would carry the admin password in clear text to another machine, even for a
    URL of this machine. ``https://`` keeps them (a tunnel: TLS runs end to end)."""
    if urlsplit(base_url).scheme != 'http':
        return None
    host = urlsplit(base_url).hostname
    return {'http': None, 'all': None, 'http://' + host: None, 'all://' + host: None}


def environment_proxy(base_url):
    """The environment's proxy for ``base_url`` (HTTPS_PROXY, ALL_PROXY, ... as NO_PROXY allows), without the
    credentials it may hold; None when there is none."""
    found = requests.utils.select_proxy(base_url, requests.utils.get_environ_proxies(base_url))
    if not found:
        return None
    parts = urlsplit(found if '://' in found else 'http://' + found)
    return '%s://%s' % (parts.scheme, parts.netloc.rpartition('@')[2])


def caused_by(exc, kind):
    """The first of ``exc`` and what it wraps that is a ``kind`` (requests wraps urllib3, which wraps the
    socket and ssl errors), or None."""
    seen, pending = set(), [exc]
    while pending:
        current = pending.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        pending.extend(current.args)
        pending.extend((getattr(current, 'reason', None), current.__cause__, current.__context__))
    return None


def never_sent(exc):
    """True when a connection error happened before the request reached the server."""
    # urllib3's NewConnectionError (refused, unreachable, a name that does not resolve) is a ConnectTimeoutError.
    return caused_by(exc, ConnectTimeoutError) is not None


def refused(exc):
    """True when the server's host refused the connection (nothing listens on the port)."""
    return caused_by(exc, ConnectionRefusedError) is not None


def transient(exc):
    """True for a failure of the connection or the answer's transfer, which another attempt may not meet."""
    return isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                            requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError))


def no_answer(exc, timeout, host, port, proxy=None):
    """Why a call got no answer, in words naming the host (or the ``proxy`` it went through, when the proxy
    failed); never the exception's text, which holds the URL and its query."""
    if proxy and isinstance(exc, requests.exceptions.ProxyError):
        return ('connection failed: the proxy %s, which the environment names for this URL (HTTPS_PROXY or ALL_PROXY), '
                'gave no connection to %s; check the proxy, or add %s to NO_PROXY' % (proxy, host, host))
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return 'connection failed: no connection to %s within %s s' % (host, timeout)
    if isinstance(exc, requests.exceptions.Timeout) or caused_by(exc, ReadTimeoutError):
        return 'timed out after %s s waiting for %s' % (timeout, host)
    if refused(exc):
        return 'connection failed: %s refused it on port %s; check the port of api_url' % (host, port)
    if never_sent(exc):
        return 'connection failed: %s is unreachable' % host
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
        return 'the answer of %s was cut off' % host
    return 'connection failed: %s closed the connection without an answer' % host
