# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the simulator's tests share: an admin session over HTTP and two small helpers."""

from __future__ import annotations

import pytest

requests = pytest.importorskip("requests")

USERS = "/api/v2.5/admin/users/"
LOGIN = "/api/v2.5/auth-token/"


class Api:
    """A logged-in admin session against the simulator: api.get("/api/...") etc."""

    def __init__(self, sim, username="admin", password="admin-pass"):
        self.sim = sim
        self.session = requests.Session()
        if username:
            answer = self.session.post(sim.url + LOGIN, json={"username": username, "password": password})
            assert answer.status_code == 200, answer.text
            self.session.headers["Authorization"] = "JWT " + answer.json()["token"]

    def __getattr__(self, method):
        def call(path, **kwargs):
            kwargs.setdefault("allow_redirects", False)
            return self.session.request(method.upper(), self.sim.url + path, **kwargs)
        return call


def uid(sim, username):
    return sim.user(username)["id"]


def create(api, **body):
    body.setdefault("password", "pw-123")
    return api.post(USERS, json=body)
