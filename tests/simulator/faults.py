# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Faults: what a busy, broken or hostile server does to an answer.

`FaultInjection` is a mixin of `Simulator`: the rate throttle (`throttle_rate`, as DRF's), `inject()`
(the next matching requests fail, drop, wait or get a spoilt answer), the `faults` counters (every Nth
call throttled or unavailable, tokens expiring mid-run) and the error answers they make.
"""

from __future__ import annotations

import fnmatch
import json
import re
from urllib.parse import quote_plus, urlencode, urlsplit

from .tables import DETAIL_ERRORS, HTML_ERRORS, PER_PAGE, detail_error, html_error, throttled_error
from .throttle import RateThrottle, retry_after

FAULT_DEFAULTS = {"latency": 0.0, "throttle_every": 0, "unavailable_every": 0, "retry_after": 1, "expire_tokens_after": 0}
# What an injection may do to an answer it does not replace by an error status (see inject()).
HOSTILE_ANSWERS = ("html", "truncated", "cut", "list", "string", "bad_results", "next_loop", "next_foreign", "endless",
                   "endless_uncounted", "huge", "deep", "drip", "redirect", "huge_error", "echo", "echo_html", "not_api",
                   "ignore")
# The hostile answers that replace the request's work: nothing is written, as for an injected status.
NO_WORK_ANSWERS = ("redirect", "huge_error", "echo", "echo_html", "not_api", "ignore")
# The default `size` of an answer: bytes ("huge", "huge_error"), or levels of nesting ("deep").
HUGE_SIZES = {"huge": 50 * 1024 * 1024, "huge_error": 2 * 1024 * 1024, "deep": 5000}
NOT_API_TITLE = "Sign in | Institute dashboard"
# The answer of a request whose connection is dropped: there is none.
DROPPED = (None, None, {}, None)


class Cut(bytes):
    """A body the server announces whole but stops sending half-way, closing the connection."""


class Drip(bytes):
    """A body sent one byte every `interval` seconds."""

    interval = 1.0


def _fault(status=None, retry_after=None, apply=False, delay=0.0, drop=False, answer=None, next_host=None, size=None,
           interval=1.0):
    return {"status": status, "retry_after": retry_after, "apply": apply, "delay": delay, "drop": drop,
            "answer": answer, "next_host": next_host, "size": size, "interval": interval}


def _spellings(value):
    """A secret as a careless error page may print it: raw, JSON with and without ASCII escapes, repr, ascii(),
    unicode_escape, re.escape, every character backslash-escaped, whitespace-collapsed and URL-encoded; its
    first half, cut by the server's own limit on a line ("..." after it); and glued to word characters."""
    return [value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1], repr(value), ascii(value),
            value.encode("unicode_escape").decode("ascii"), re.escape(value), "".join("\\" + char for char in value),
            " ".join(value.split()), quote_plus(value), value[:max(3, len(value) // 2)] + "...", "x%sy" % value]


def _echo(request):
    """The text of an error page that echoes the request body, every `password` in it in every spelling."""
    lines = ["Unable to log in with provided credentials.",
             "body: %s" % request.raw.decode("utf-8", "replace"), "data: %r" % (request.body,)]
    if isinstance(request.body, dict) and isinstance(request.body.get("password"), str):
        lines.extend("password: %s" % spelling for spelling in _spellings(request.body["password"]))
    return "\n".join(lines)


def fault_label(fault):
    """What the request log says was done: e.g. "503", "drop, applied", "delay 2.0s", "endless"."""
    labels = ["delay %ss" % fault["delay"]] if fault["delay"] else []
    if fault["status"] is not None:
        labels.append(str(fault["status"]))
    if fault["drop"]:
        labels.append("drop")
    if fault["answer"]:
        labels.append(fault["answer"])
    if fault["apply"] and (fault["status"] is not None or fault["drop"]):
        labels.append("applied")
    return ", ".join(labels)


class FaultInjection:
    """Injected and periodic faults (see the module docstring)."""

    def _reset_faults(self):
        self.faults.clear()
        self.faults.update(FAULT_DEFAULTS)
        self._injections = []
        self._counter = 0

    @property
    def throttle_rate(self):
        """None (no throttle) or DRF's rate, "N/s", "N/m", "N/h" or "N/d"; setting it starts a fresh window."""
        return self._throttle_rate

    @throttle_rate.setter
    def throttle_rate(self, rate):
        self._throttle = None if rate is None else RateThrottle(rate)
        self._throttle_rate = rate

    def _check_throttle(self, account, client):
        """DRF's check_throttles: a call over the rate is answered 429 (with Retry-After unless
        `throttle_retry_after` is off); the key is the account, or the client's address for a login."""
        if self._throttle is None:
            return
        allowed, wait = self._throttle.check("user:%s" % account["id"] if account else "client:%s" % client)
        if not allowed:
            raise throttled_error(retry_after(wait) if self.throttle_retry_after else None)

    def inject(self, status=None, times=1, method=None, path=None, retry_after=None, apply=False,
               delay=0.0, drop=False, answer=None, next_host="http://elsewhere.invalid", size=None, interval=1.0):
        """Fault the next `times` matching API requests (`times=None`: every one, until reset()).

        `method` None matches any; `path` None matches any, else an exact path or an fnmatch pattern
        (query string ignored). One of `status` (answer that error instead: 5xx as a proxy's HTML page,
        429 with `retry_after`), `drop=True` (close the connection without answering) or `answer` (spoil
        the real answer, or replace it: one of HOSTILE_ANSWERS, see README.md; `next_host`, `size` and
        `interval` tune some of them). `apply=True` does the work before the `status` or the drop:
        "created, then 502". `delay` waits that many seconds before handling the request, alone (a slow
        answer) or with any of the above.
        """
        if sum((status is not None, bool(drop), answer is not None)) > 1:
            raise ValueError("inject: give at most one of status, drop and answer")
        if answer is not None and answer not in HOSTILE_ANSWERS:
            raise ValueError("inject: answer must be one of %s" % ", ".join(HOSTILE_ANSWERS))
        size = HUGE_SIZES.get(answer, HUGE_SIZES["huge"]) if size is None else int(size)
        fault = _fault(status=None if status is None else int(status), retry_after=retry_after, apply=bool(apply),
                       delay=float(delay), drop=bool(drop), answer=answer, next_host=next_host, size=size,
                       interval=float(interval))
        fault.update(times=None if times is None else int(times), method=method.upper() if method else None, path=path)
        with self._lock:
            self._injections.append(fault)

    def _hostile(self, fault, request, result):
        """The real answer `result`, spoilt as `fault["answer"]` says: what a broken proxy or server sends."""
        kind = fault["answer"]
        if kind in NO_WORK_ANSWERS:
            return self._replaced(fault, request)
        status, payload, extra, ctype = result
        if kind == "drip":
            body = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
            drip = Drip(body)
            drip.interval = fault["interval"]
            return status, drip, extra, ctype
        if kind == "html":
            return status, html_error(status, "Welcome").body, {}, "text/html; charset=utf-8"
        if kind == "huge":
            return status, b'{"padding": "' + b"x" * max(0, fault["size"] - 15) + b'"}', {}, ctype
        if kind == "deep":
            # A page whose results hold arrays nested `size` levels deep: valid JSON past any parser's recursion.
            depth = fault["size"]
            return status, b'{"count": 1, "next": null, "results": [' + b"[" * depth + b"]" * depth + b"]}", {}, ctype
        if kind == "string":
            return status, "ok", extra, ctype
        if kind in ("truncated", "cut"):
            data = json.dumps(payload).encode("utf-8")
            return status, (Cut if kind == "cut" else bytes)(data[:len(data) // 2]), extra, ctype
        if kind == "list":
            return status, payload.get("results", [payload]) if isinstance(payload, dict) else [payload], extra, ctype
        path, query_pairs = request.path, request.query_pairs
        base = self._base(request.host)
        page = dict(payload) if isinstance(payload, dict) else {}
        if kind == "bad_results":
            page["results"] = {"detail": "not a list"}
        elif kind == "next_loop":
            page["next"] = base + path + ("?" + urlencode(query_pairs) if query_pairs else "")
        elif kind == "next_foreign" and page.get("next"):
            parts = urlsplit(page["next"])
            page["next"] = fault["next_host"].rstrip("/") + parts.path + ("?" + parts.query if parts.query else "")
        elif kind in ("endless", "endless_uncounted"):
            pairs = [(key, value) for key, value in query_pairs if key != "page"]
            number = int(dict(query_pairs).get("page", "1"))
            if status == 404:
                # Past the real last page: an empty page that still says there is more.
                first = self._routed(request._replace(query=dict(pairs), query_pairs=pairs))[1]
                page = {"count": first.get("count"), "previous": None, "per_page": PER_PAGE, "results": []}
                status = 200
            page["next"] = base + path + "?" + urlencode(pairs + [("page", str(number + 1))])
            if kind == "endless_uncounted":
                page["count"] = None
        return status, page, extra, "application/json"

    def _replaced(self, fault, request):
        """The answer of a hostile server that does not do the request's work (NO_WORK_ANSWERS)."""
        kind = fault["answer"]
        if kind == "ignore":
            # Success without acting: a PUT answers the record as it is (a GET's answer), anything else 204.
            if request.method == "PUT":
                return self._routed(request._replace(method="GET", body=None))
            return 204, None, {}, "application/json"
        if kind == "redirect":
            query = "?" + urlencode(request.query_pairs) if request.query_pairs else ""
            return 302, b"", {"Location": fault["next_host"].rstrip("/") + request.path + query}, "text/html; charset=utf-8"
        if kind == "huge_error":
            return 400, b'{"detail": "' + b"x" * max(0, fault["size"] - 14) + b'"}', {}, "application/json"
        if kind == "echo":
            return 400, {"detail": _echo(request)}, {}, "application/json"
        if kind == "echo_html":
            err = html_error(500, "ValueError at %s" % request.path, _echo(request))
            return err.status, err.body, {}, err.content_type
        err = html_error(200 if request.method == "GET" else 405, NOT_API_TITLE, "Please sign in.")
        return err.status, err.body, {}, err.content_type

    def _take_fault(self, method, path, count):
        for inj in self._injections:
            if inj["method"] not in (None, method):
                continue
            if inj["path"] is not None and not fnmatch.fnmatchcase(path, inj["path"]):
                continue
            if inj["times"] is not None:
                inj["times"] -= 1
                if inj["times"] <= 0:
                    self._injections.remove(inj)
            return inj
        throttle = int(self.faults.get("throttle_every") or 0)
        if throttle > 0 and count % throttle == 0:
            return _fault(status=429, retry_after=self.faults.get("retry_after"))
        unavailable = int(self.faults.get("unavailable_every") or 0)
        if unavailable > 0 and count % unavailable == 0:
            return _fault(status=503)
        return None

    def _expire_tokens(self, count):
        """`expire_tokens_after: N`: the (N+1)th API call finds every token issued so far expired, once."""
        after = int(self.faults.get("expire_tokens_after") or 0)
        if after > 0 and count == after + 1:
            self.tokens.clear()
            return True
        return False

    def _fault_error(self, fault):
        status = fault["status"]
        if status == 429:
            wait = fault.get("retry_after")
            wait = 1 if wait is None else wait
            return detail_error(429, "Request was throttled. Expected available in %s second%s." % (wait, "" if wait == 1 else "s"),
                                {"Retry-After": str(wait)})
        if status >= 500:
            return html_error(status, HTML_ERRORS.get(status, "%d Server Error" % status))
        headers = {"WWW-Authenticate": 'JWT realm="api"'} if status == 401 else {}
        return detail_error(status, DETAIL_ERRORS.get(status, "Error %d." % status), headers)
