# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's hostile answers for the client's security tests: an error page echoing the password, a redirect
to another host, a dripped body, a huge error body, and a server that is not the API."""

from __future__ import annotations

import json
import re
import socket
import time
from urllib.parse import quote_plus

import pytest

from sim_api import LOGIN, USERS, create, requests

PASSWORDS = ["pässwort-Ωmega", 'Pa"ss\\word9', "two  spaced\twords"]


@pytest.mark.parametrize("password", PASSWORDS)
def test_an_error_page_echoes_the_password_in_every_spelling(simulator, password):
    simulator.inject(answer="echo", path=LOGIN)
    answer = requests.post(simulator.url + LOGIN, json={"username": "admin", "password": password})
    assert answer.status_code == 400
    detail = answer.json()["detail"]
    for spelling in (password, json.dumps(password)[1:-1], json.dumps(password, ensure_ascii=False)[1:-1], repr(password),
                     ascii(password), password.encode("unicode_escape").decode("ascii"), re.escape(password),
                     "".join("\\" + char for char in password), " ".join(password.split()), quote_plus(password),
                     password[:len(password) // 2] + "..."):
        assert spelling in detail, spelling
    assert json.dumps(password)[1:-1] in detail.split("\n")[1]          # the body as sent (requests escapes to ASCII)


def test_an_echoing_html_page_keeps_the_password_out_of_its_title_and_does_no_work(simulator, api):
    simulator.inject(answer="echo_html", method="POST", path=USERS)
    answer = create(api, username="ann", password="s3cret-Ωmega")
    assert answer.status_code == 500 and answer.headers["Content-Type"].startswith("text/html")
    title = re.search(r"<title>(.*)</title>", answer.text).group(1)
    assert title == "ValueError at %s" % USERS
    assert "s3cret-Ωmega" in answer.text and "s3cret-\\u03a9mega" in answer.text
    assert simulator.user("ann") is None                                  # not applied
    assert simulator.log[-1]["fault"] == "echo_html"


def test_a_get_redirected_to_another_host_keeps_its_query(simulator, api):
    simulator.inject(answer="redirect", method="GET", path=USERS, next_host="http://elsewhere.example:8080/")
    answer = api.get(USERS, params={"email": "john@example.com"})
    assert answer.status_code == 302
    assert answer.headers["Location"] == "http://elsewhere.example:8080%s?email=john%%40example.com" % USERS
    assert api.get(USERS, params={"email": "john@example.com"}).status_code == 200     # once


def test_a_dripped_body_comes_one_byte_at_a_time(simulator, api):
    simulator.inject(answer="drip", method="GET", path="/api/v2.5/admin/batches/21/", interval=0.02)
    start = time.monotonic()
    answer = api.get("/api/v2.5/admin/batches/21/")
    elapsed = time.monotonic() - start
    assert answer.status_code == 200 and answer.json()["name"] == "UPSC"
    assert elapsed >= 0.02 * (len(answer.content) - 1)


def test_a_dripped_body_outlasts_a_read_timeout_per_byte(simulator, api):
    simulator.inject(answer="drip", method="GET", path=USERS, interval=0.3)
    start, received = time.monotonic(), 0
    # requests' timeout bounds each socket read: every byte comes in time, so only a bound on the whole call stops it.
    with api.session.get(simulator.url + USERS, timeout=1, stream=True) as answer:
        for _chunk in answer.iter_content(1):
            received += 1
            if time.monotonic() - start > 1.5:
                break
    assert time.monotonic() - start > 1.5 and received >= 4


def test_a_huge_error_body(simulator, api):
    simulator.inject(answer="huge_error", method="POST", path=USERS)
    answer = create(api, username="ann")
    assert answer.status_code == 400
    assert len(answer.content) == 2 * 1024 * 1024 and answer.json()["detail"].startswith("xxx")
    assert simulator.user("ann") is None
    simulator.inject(answer="huge_error", method="POST", path=USERS, size=1000)
    assert len(create(api, username="ann").content) == 1000


def test_not_the_api_answers_every_path_with_a_titled_html_page(simulator, api):
    simulator.inject(answer="not_api", times=None)
    for method, path, status in (("GET", USERS, 200), ("GET", "/no/such/path/", 200), ("POST", LOGIN, 405),
                                 ("POST", USERS, 405)):
        answer = api.session.request(method, simulator.url + path, json={"username": "ann", "password": "pw-123"})
        assert answer.status_code == status
        assert answer.headers["Content-Type"].startswith("text/html")
        assert "<title>Sign in | Institute dashboard</title>" in answer.text
    assert simulator.user("ann") is None and simulator.writes()[-1]["fault"] == "not_api"


def test_the_hostile_answers_over_http_control(simulator, api):
    body = {"answer": "redirect", "method": "GET", "path": USERS, "next_host": "http://elsewhere.invalid"}
    assert requests.post(simulator.url + "/_sim/inject", json=body).status_code == 200
    assert api.get(USERS).headers["Location"] == "http://elsewhere.invalid" + USERS
    assert requests.post(simulator.url + "/_sim/inject", json={"answer": "drip", "interval": "slow"}).status_code == 400


def test_a_dripping_answer_does_not_hold_the_server_once_the_client_hangs_up(simulator, api):
    simulator.inject(answer="drip", method="GET", path=USERS, interval=0.2)
    host, port = simulator.url.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\n\r\n" % (USERS, api.session.headers["Authorization"])).encode())
        assert sock.recv(20).startswith(b"HTTP/1.1 200")
    assert api.get(USERS).status_code == 200                              # served while the drip fails on its own


def test_a_server_that_acknowledges_a_put_or_delete_without_acting(simulator, api):
    simulator.add_user("ignored", first_name="Old")
    user = simulator.user("ignored")
    path = "%s%d/" % (USERS, user["id"])
    simulator.inject(answer="ignore", method="PUT", path=path)
    answer = api.put(path, json={"username": "ignored", "first_name": "New"})
    assert answer.status_code == 200 and answer.json()["first_name"] == "Old"
    delete = "/api/v2.2/admin/users/%d/" % user["id"]
    simulator.inject(answer="ignore", method="DELETE", path=delete)
    assert api.delete(delete).status_code == 204
    assert simulator.user("ignored")["first_name"] == "Old"                # neither applied
    assert [entry["fault"] for entry in simulator.log if entry.get("fault")] == ["ignore", "ignore"]


def test_a_list_without_count_that_never_ends_and_a_page_nested_too_deep(simulator, api):
    simulator.inject(answer="endless_uncounted", path=USERS, times=2)
    far = api.get(USERS, params={"page": "40"}).json()
    assert (far["count"], far["results"], far["next"].split("?")[1]) == (None, [], "page=41")
    assert api.get(USERS).json()["count"] is None
    simulator.inject(answer="deep", path=USERS)
    body = api.get(USERS).content
    assert body.count(b"[") == 5001 and body.startswith(b'{"count": 1, "next": null, "results": [[[')
