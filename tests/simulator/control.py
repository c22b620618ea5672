# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Driving the simulator: its switches (`configure()`) and the control routes under `/_sim/`.

`ControlRoutes` is a mixin of `Simulator`. The control routes are never logged and never faulted.
"""

from __future__ import annotations

from .tables import EMBEDDED_BATCHES_LIMIT
from .throttle import parse_rate


def _one_of(*allowed):
    def check(value):
        if isinstance(value, bool) or value not in allowed:
            raise ValueError("one of %s, not %r" % (", ".join(map(repr, allowed)), value))
        return value
    return check


def _flag(value):
    if not isinstance(value, bool):
        raise ValueError("true or false, not %r" % (value,))
    return value


def _count_or_none(value):
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValueError("null or a count, not %r" % (value,))
    return value


def _rate(value):
    parse_rate(value)
    return value


# Each switch: its check and its default. What reset() returns to is the default, or what the
# constructor was given. state_format and date_format None: the seed's, else SEED_FORMATS.
SEED_FORMATS = {"state_format": "name", "date_format": "dmy"}
SWITCHES = {
    "state_format": (_one_of(None, "name", "code"), None),
    "date_format": (_one_of(None, "dmy", "iso"), None),
    "embedded_batches_limit": (_count_or_none, EMBEDDED_BATCHES_LIMIT),
    "throttle_rate": (_rate, None),
    "throttle_retry_after": (_flag, True),
    "me_status": (_one_of(None, 404), None),
    "courses_listing_status": (_one_of(None, 404, 405), None),
    "staff_marked": (_flag, True),
    "token_claims": (_one_of("name", "id"), "name"),
}


def check_switches(values):
    """`values` checked against SWITCHES; ValueError naming the switch for an unknown one or a bad value."""
    for name, value in values.items():
        if name not in SWITCHES:
            raise ValueError("unknown switch %r; the switches are %s" % (name, ", ".join(SWITCHES)))
        try:
            SWITCHES[name][0](value)
        except ValueError as err:
            raise ValueError("%s: %s" % (name, err)) from None
    return values


class ControlRoutes:
    """`configure()`, and `GET /_sim/log`, `GET|POST /_sim/faults`, `POST /_sim/inject`, `GET|POST /_sim/config`,
    `GET /_sim/counts`, `POST /_sim/reset`."""

    def configure(self, **switches):
        """Set switches (see SWITCHES and README.md) until the next reset(); returns them all."""
        check_switches(switches)
        with self._lock:
            self._apply_switches(switches)
            return self.switches()

    def _apply_switches(self, values):
        for name, value in values.items():
            if value is None and name in SEED_FORMATS:
                value = self._seed_data.get(name) or SEED_FORMATS[name]
            setattr(self, name, value)

    def switches(self):
        with self._lock:
            return {name: getattr(self, name) for name in SWITCHES}

    def _control(self, method, path, body):
        if method == "GET" and path == "/_sim/log":
            return 200, list(self.log)
        if method == "GET" and path == "/_sim/faults":
            return 200, dict(self.faults)
        if method == "GET" and path == "/_sim/config":
            return 200, self.switches()
        if method == "GET" and path == "/_sim/counts":
            return 200, self.counts()
        if method == "POST" and path == "/_sim/reset":
            self.reset((body or {}).get("seed") if isinstance(body, dict) else None)
            return 200, {"reset": True}
        if method == "POST" and path in ("/_sim/faults", "/_sim/inject", "/_sim/config") and not isinstance(body, dict):
            return 400, {"detail": "expected a JSON object"}
        if method == "POST" and path == "/_sim/faults":
            with self._lock:
                self.faults.update(body)
            return 200, dict(self.faults)
        if method == "POST" and path == "/_sim/inject":
            try:
                self.inject(**body)
            except (TypeError, ValueError) as err:
                return 400, {"detail": str(err)}
            return 200, {"injected": body}
        if method == "POST" and path == "/_sim/config":
            try:
                return 200, self.configure(**body)
            except ValueError as err:
                return 400, {"detail": str(err)}
        return 404, {"detail": "Not found."}
