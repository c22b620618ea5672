# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Faults: what a busy, broken or hostile server does to an answer.

`FaultInjection` is a mixin of `Simulator`: `inject()` (the next matching requests fail, drop, wait or
get a spoilt answer), the `faults` counters (every Nth call throttled or unavailable, tokens expiring
mid-run) and the error answers they make.
"""

from __future__ import annotations

import fnmatch
import json
from urllib.parse import urlencode, urlsplit

from .tables import DETAIL_ERRORS, HTML_ERRORS, PER_PAGE, detail_error, html_error

FAULT_DEFAULTS = {"latency": 0.0, "throttle_every": 0, "unavailable_every": 0, "retry_after": 1, "expire_tokens_after": 0}
# What an injection may do to an answer it does not replace by an error status (see inject()).
HOSTILE_ANSWERS = ("html", "truncated", "cut", "list", "string", "bad_results", "next_loop", "next_foreign", "endless", "huge")
HUGE_SIZE = 50 * 1024 * 1024
# The answer of a request whose connection is dropped: there is none.
DROPPED = (None, None, {}, None)


class Cut(bytes):
    """A body the server announces whole but stops sending half-way, closing the connection."""


def _fault(status=None, retry_after=None, apply=False, delay=0.0, drop=False, answer=None, next_host=None, size=HUGE_SIZE):
    return {"status": status, "retry_after": retry_after, "apply": apply, "delay": delay, "drop": drop,
            "answer": answer, "next_host": next_host, "size": size}


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

    def inject(self, status=None, times=1, method=None, path=None, retry_after=None, apply=False,
               delay=0.0, drop=False, answer=None, next_host="http://elsewhere.invalid", size=HUGE_SIZE):
        """Fault the next `times` matching API requests (`times=None`: every one, until reset()).

        `method` None matches any; `path` None matches any, else an exact path or an fnmatch pattern
        (query string ignored). One of `status` (answer that error instead: 5xx as a proxy's HTML page,
        429 with `retry_after`), `drop=True` (close the connection without answering) or `answer` (spoil
        the real answer: one of HOSTILE_ANSWERS, see README.md; `next_host` and `size` tune two of them).
        `apply=True` does the work before the `status` or the drop: "created, then 502". `delay` waits
        that many seconds before handling the request, alone (a slow answer) or with any of the above.
        """
        if sum((status is not None, bool(drop), answer is not None)) > 1:
            raise ValueError("inject: give at most one of status, drop and answer")
        if answer is not None and answer not in HOSTILE_ANSWERS:
            raise ValueError("inject: answer must be one of %s" % ", ".join(HOSTILE_ANSWERS))
        fault = _fault(status=None if status is None else int(status), retry_after=retry_after, apply=bool(apply),
                       delay=float(delay), drop=bool(drop), answer=answer, next_host=next_host, size=int(size))
        fault.update(times=None if times is None else int(times), method=method.upper() if method else None, path=path)
        with self._lock:
            self._injections.append(fault)

    def _hostile(self, fault, request, result):
        """The real answer `result`, spoilt as `fault["answer"]` says: what a broken proxy or server sends."""
        kind = fault["answer"]
        status, payload, extra, ctype = result
        if kind == "html":
            return status, html_error(status, "Welcome").body, {}, "text/html; charset=utf-8"
        if kind == "huge":
            return status, b'{"padding": "' + b"x" * max(0, fault["size"] - 15) + b'"}', {}, ctype
        if kind == "string":
            return status, "ok", extra, ctype
        if kind in ("truncated", "cut"):
            data = json.dumps(payload).encode("utf-8")
            return status, (Cut if kind == "cut" else bytes)(data[:len(data) // 2]), extra, ctype
        if kind == "list":
            return status, payload.get("results", [payload]) if isinstance(payload, dict) else [payload], extra, ctype
        method, path, _query, query_pairs, _body, _bad, _headers, host = request
        base = self._base(host)
        page = dict(payload) if isinstance(payload, dict) else {}
        if kind == "bad_results":
            page["results"] = {"detail": "not a list"}
        elif kind == "next_loop":
            page["next"] = base + path + ("?" + urlencode(query_pairs) if query_pairs else "")
        elif kind == "next_foreign" and page.get("next"):
            parts = urlsplit(page["next"])
            page["next"] = fault["next_host"].rstrip("/") + parts.path + ("?" + parts.query if parts.query else "")
        elif kind == "endless":
            pairs = [(key, value) for key, value in query_pairs if key != "page"]
            number = int(dict(query_pairs).get("page", "1"))
            if status == 404:
                # Past the real last page: an empty page that still says there is more.
                first = self._routed((method, path, dict(pairs), pairs) + request[4:])[1]
                page = {"count": first.get("count"), "previous": None, "per_page": PER_PAGE, "results": []}
                status = 200
            page["next"] = base + path + "?" + urlencode(pairs + [("page", str(number + 1))])
        return status, page, extra, "application/json"

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
