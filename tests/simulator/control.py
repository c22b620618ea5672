# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The control routes under `/_sim/`: tests and demos drive the simulator over HTTP (never logged, never faulted).

`ControlRoutes` is a mixin of `Simulator`.
"""

from __future__ import annotations


class ControlRoutes:
    """`GET /_sim/log`, `GET|POST /_sim/faults`, `POST /_sim/inject`, `POST /_sim/config`, `POST /_sim/reset`."""

    def _control(self, method, path, body):
        if method == "GET" and path == "/_sim/log":
            return 200, list(self.log)
        if method == "GET" and path == "/_sim/faults":
            return 200, dict(self.faults)
        if method == "POST" and path == "/_sim/reset":
            self.reset((body or {}).get("seed") if isinstance(body, dict) else None)
            return 200, {"reset": True}
        if method == "POST" and path == "/_sim/faults":
            if not isinstance(body, dict):
                return 400, {"detail": "expected a JSON object"}
            with self._lock:
                self.faults.update(body)
            return 200, dict(self.faults)
        if method == "POST" and path == "/_sim/inject":
            if not isinstance(body, dict):
                return 400, {"detail": "expected a JSON object of inject() arguments"}
            try:
                self.inject(**body)
            except (TypeError, ValueError) as err:
                return 400, {"detail": str(err)}
            return 200, {"injected": body}
        if method == "POST" and path == "/_sim/config":
            if not isinstance(body, dict):
                return 400, {"detail": "expected a JSON object"}
            limit = body.get("embedded_batches_limit", self.embedded_batches_limit)
            if (body.get("state_format", self.state_format) not in ("name", "code")
                    or body.get("date_format", self.date_format) not in ("dmy", "iso")
                    or not (limit is None or isinstance(limit, int) and not isinstance(limit, bool) and limit >= 0)):
                return 400, {"detail": "state_format: name|code, date_format: dmy|iso, embedded_batches_limit: null or a count"}
            self.state_format = body.get("state_format", self.state_format)
            self.date_format = body.get("date_format", self.date_format)
            self.embedded_batches_limit = limit
            return 200, {"state_format": self.state_format, "date_format": self.date_format, "embedded_batches_limit": limit}
        return 404, {"detail": "Not found."}
