# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`Simulator`: the institute, its API, its faults and its control routes, served over HTTP.

Each concern lives in its own module and is mixed in here; this module holds what ties them together:
construction, reset, and the processing of one API request (log, faults, route, answer).
"""

from __future__ import annotations

import json
import threading
import time
import traceback

from .control import SWITCHES, ControlRoutes, check_switches
from .faults import DROPPED, NO_WORK_ANSWERS, FaultInjection, fault_label
from .httpd import HttpServing
from .routes import ApiRoutes
from .state import InstituteState
from .tables import EMBEDDED_BATCHES_LIMIT, LOGIN_PATH, WRITE_METHODS, ApiError, Request, html_error


class Simulator(InstituteState, ApiRoutes, FaultInjection, ControlRoutes, HttpServing):
    """The simulated Testpress institute plus the HTTP server answering for it.

    `seed` is None (tests/simulator/seed.yml), a path to a YAML file, or a dict of the same shape.
    `state_format` ("name"/"code") and `date_format` ("dmy"/"iso"), when given, override the seed's
    and are what reset() returns to; the attributes of the same names may be changed at any time.
    `embedded_batches_limit` cuts the `batches` the users list embeds, as the real API may.
    `switches` are any other of control.SWITCHES (e.g. `throttle_rate="30/s"`): like the formats, what
    reset() returns to; `configure()` changes any of them until the next reset().
    `tls=True` serves HTTPS with a certificate made at start(), signed by a throwaway CA whose
    certificate is `cert_path` (give it to clients as REQUESTS_CA_BUNDLE).
    """

    def __init__(self, seed=None, verbose=False, state_format=None, date_format=None, tls=False,
                 embedded_batches_limit=EMBEDDED_BATCHES_LIMIT, **switches):
        self._seed = self._load_seed(seed)
        self._seed_data = self._seed
        self._config = {name: default for name, (_check, default) in SWITCHES.items()}
        self._config.update(check_switches(dict(switches, state_format=state_format, date_format=date_format,
                                                embedded_batches_limit=embedded_batches_limit)))
        self.verbose = verbose
        self.tls = tls
        self.cert_path = None
        self._cert_dir = None
        self._lock = threading.RLock()
        self._idle = threading.Condition(self._lock)
        self._in_flight = 0
        self._server = None
        self._thread = None
        self._connections = set()
        self.log = []
        self.faults = {}
        self.notified = []
        self._injections = []
        self._counts = {}
        self.reset()

    def reset(self, seed=None):
        """State back to the seed (this time only: `seed` overrides the constructor's); log, faults, tokens cleared."""
        data = self._seed if seed is None else self._load_seed(seed)
        with self._lock:
            # A request still waiting out a delay would otherwise land in the fresh state.
            self._idle.wait_for(lambda: self._in_flight == 0, timeout=30)
            self.clear_log()
            self._reset_faults()
            self.notified.clear()
            self._load_state(data)
            self._seed_data = data
            self._apply_switches(self._config)

    def writes(self):
        return [e for e in list(self.log) if e["method"] in WRITE_METHODS and e["path"] != LOGIN_PATH]

    def clear_log(self):
        """Empty the request log and its counts."""
        with self._lock:
            self.log.clear()
            self._counts = {"calls": 0, "served": 0, "throttled": 0}

    def counts(self):
        """API calls since the last reset() or clear_log(): `calls`, `served` (answered, but not 429) and
        `throttled` (answered 429, by the throttle or an injected fault); a dropped call is only in `calls`."""
        with self._lock:
            return dict(self._counts)

    # ------------------------------------------------------------------ request processing

    def _handle(self, method, path, query_pairs, raw, headers, host, client="127.0.0.1"):
        """Process one API request; returns (status, body, headers, content_type), or DROPPED for no answer.
        Records it in the log, with a `fault` entry naming what was done to it."""
        query = dict(query_pairs)
        body, bad_json = None, None
        if raw:
            try:
                body = json.loads(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as err:
                bad_json = str(err)
        entry = {"method": method, "path": path, "query": query, "body": body, "status": None}
        with self._lock:
            self._in_flight += 1
        try:
            return self._handle_logged(entry, Request(method, path, query, query_pairs, body, bad_json, headers, host, client, raw))
        finally:
            with self._lock:
                self._in_flight -= 1
                self._idle.notify_all()

    def _handle_logged(self, entry, request):
        method, path = request.method, request.path
        with self._lock:
            self.log.append(entry)
            self._counter += 1
            count = self._counter
            fault = self._take_fault(method, path, count)
            labels = ["tokens expired"] if self._expire_tokens(count) else []
            delay = float(self.faults.get("latency") or 0) + (fault["delay"] if fault else 0)
        if fault is not None:
            labels.append(fault_label(fault))
        if labels:
            entry["fault"] = ", ".join(labels)
        if delay > 0:
            time.sleep(delay)
        with self._lock:
            try:
                result = self._answer(request, fault)
            except Exception:  # pylint: disable=broad-except  # a simulator bug: answer as Django does, loudly
                traceback.print_exc()
                err = html_error(500, "Server Error (500)", traceback.format_exc())
                result = (err.status, err.body, err.headers, err.content_type)
            entry["status"] = result[0]
            self._count(result[0])
        return result

    def _count(self, status):
        self._counts["calls"] += 1
        if status == 429:
            self._counts["throttled"] += 1
        elif status is not None:
            self._counts["served"] += 1

    def _answer(self, request, fault):
        """The answer to `request` (a Request) under `fault` (None, or an inject()/faults dict)."""
        refuses = fault is not None and (fault["status"] is not None or fault["drop"] or fault["answer"] in NO_WORK_ANSWERS)
        try:
            if refuses and not fault["apply"]:
                result = None
            else:
                result = self._routed(request)
            if fault is not None and fault["drop"]:
                return DROPPED
            if fault is not None and fault["status"] is not None:
                raise self._fault_error(fault)
            if fault is not None and fault["answer"]:
                return self._hostile(fault, request, result)
            return result
        except ApiError as err:
            return (err.status, err.body, err.headers, err.content_type)

    def _routed(self, request):
        try:
            status, payload, extra = self._route(request)
            return (status, payload, extra, "application/json")
        except ApiError as err:
            return (err.status, err.body, err.headers, err.content_type)
