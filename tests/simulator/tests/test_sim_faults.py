# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's faults, log, reset, command line and HTTPS: what a client must survive, and how tests drive it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from ansible_collections.testpress.lms.tests.simulator import Simulator
from sim_api import LOGIN, USERS, Api, create, requests, uid

SIMULATOR_DIR = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- faults


def test_inject_429_carries_retry_after(simulator, api):
    simulator.inject(429, times=2, retry_after=3)
    for _attempt in range(2):
        answer = api.get(USERS)
        assert answer.status_code == 429
        assert answer.headers["Retry-After"] == "3"
        assert "throttled" in answer.json()["detail"]
    assert api.get(USERS).status_code == 200


def test_inject_matches_method_and_path_and_does_not_apply(simulator, api):
    simulator.inject(503, method="POST", path="/api/v2.5/admin/users/*/batches/")
    assert api.get("%s%d/batches/" % (USERS, uid(simulator, "john"))).status_code == 200
    assert create(api, username="ann").status_code == 201
    answer = api.post("%s%d/batches/" % (USERS, uid(simulator, "john")), json={"batches": [23]})
    assert answer.status_code == 503
    assert simulator.user_batch_ids("john") == [21, 22]   # not applied
    assert api.post("%s%d/batches/" % (USERS, uid(simulator, "john")), json={"batches": [23]}).status_code == 201


def test_inject_applies_to_login(simulator):
    simulator.inject(504, path=LOGIN)
    assert requests.post(simulator.url + LOGIN, json={"username": "admin", "password": "admin-pass"}).status_code == 504


def test_throttle_every_and_unavailable_every(simulator, api):
    simulator.faults.update(throttle_every=3, retry_after=2)
    statuses = [api.get(USERS) for _attempt in range(6)]
    assert [a.status_code for a in statuses].count(429) == 2
    assert [a.headers.get("Retry-After") for a in statuses if a.status_code == 429] == ["2", "2"]
    simulator.faults.update(throttle_every=0, unavailable_every=2)
    assert sorted(api.get(USERS).status_code for _attempt in range(4)) == [200, 200, 503, 503]


def test_latency(simulator, api):
    simulator.faults["latency"] = 0.2
    start = time.monotonic()
    api.get(USERS)
    assert time.monotonic() - start >= 0.2
    start = time.monotonic()
    requests.get(simulator.url + "/_sim/log")                    # control calls are not slowed
    assert time.monotonic() - start < 0.2


def test_faults_over_http_control(simulator, api):
    assert requests.post(simulator.url + "/_sim/faults", json={"unavailable_every": 1}).status_code == 200
    assert simulator.faults["unavailable_every"] == 1
    assert api.get(USERS).status_code == 503
    assert requests.get(simulator.url + "/_sim/log").status_code == 200       # faults do not touch /_sim/


# ---------------------------------------------------------------- log, writes, reset


def test_log_and_writes(simulator, api):
    user_id = uid(simulator, "john")
    api.get(USERS, params={"q": "john"})
    api.put("%s%d/" % (USERS, user_id), json={"username": "john", "city": "X"})
    api.delete("/api/v2.2/admin/users/%d/" % user_id)
    requests.get(simulator.url + "/_sim/log")
    assert [(e["method"], e["path"], e["status"]) for e in simulator.log] == [
        ("POST", LOGIN, 200), ("GET", USERS, 200), ("PUT", "%s%d/" % (USERS, user_id), 200),
        ("DELETE", "/api/v2.2/admin/users/%d/" % user_id, 204)]
    assert simulator.log[1]["query"] == {"q": "john"} and simulator.log[1]["body"] is None
    assert simulator.log[2]["body"] == {"username": "john", "city": "X"}
    assert [e["method"] for e in simulator.writes()] == ["PUT", "DELETE"]
    assert requests.get(simulator.url + "/_sim/log").json() == simulator.log
    simulator.clear_log()
    assert simulator.log == [] and simulator.writes() == []


def test_reset_restores_the_seed(simulator, api):
    create(api, username="ann")
    simulator.inject(500, times=5)
    simulator.faults["latency"] = 1
    simulator.state_format = "code"
    simulator.reset()
    assert simulator.user("ann") is None and simulator.user("john") is not None
    assert simulator.log == [] and simulator.faults["latency"] == 0 and simulator.state_format == "name"
    assert api.get(USERS).status_code == 401          # tokens do not survive a reset
    create(Api(simulator), username="ann")
    assert requests.post(simulator.url + "/_sim/reset").status_code == 200
    assert simulator.user("ann") is None


def test_reset_with_another_seed_then_back(simulator):
    simulator.reset({"batches": ["Only"], "users": [{"username": "root", "password": "r", "is_staff": True}]})
    assert Api(simulator, "root", "r").get("/api/v2.5/admin/batches/").json()["count"] == 1
    simulator.reset()
    assert simulator.user("root") is None and simulator.user("admin") is not None


def test_accessors(simulator):
    user_id = simulator.add_user("ann", "pw1", email="ann@example.com", batches=["UPSC"], courses=["TD"], state="IN-KA")
    assert simulator.user("ann")["id"] == user_id
    assert simulator.user("ann")["state_code"] == "IN-KA"
    assert simulator.user_batch_ids("ann") == [21]
    assert simulator.user_course_ids("ann") == [282]
    assert simulator.user_expiries("ann") == {21: None}
    assert simulator.check_password("ann", "pw1")
    assert simulator.add_batch("Fresh") > 21 and simulator.add_course("Fresh Course") > 282
    with pytest.raises(ValueError):
        simulator.add_user("ann")


def test_ten_thousand_users_are_quick(simulator, api):
    start = time.monotonic()
    for i in range(10000):
        simulator.add_user("bulk%05d" % i, email="bulk%05d@example.com" % i)
    assert time.monotonic() - start < 10
    start = time.monotonic()
    assert api.get(USERS, params={"q": "bulk09999"}).json()["count"] == 1
    assert api.get(USERS, params={"page": 501}).json()["next"] is None
    assert time.monotonic() - start < 1


# ---------------------------------------------------------------- CLI


def test_cli_starts_answers_and_stops(tmp_path):
    proc = subprocess.Popen([sys.executable, str(SIMULATOR_DIR), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("simulator listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1]
        answer = requests.post(url + LOGIN, json={"username": "admin", "password": "admin-pass"}, timeout=5)
        assert answer.status_code == 200
        assert requests.get(url + USERS, timeout=5).status_code == 401
        assert requests.get(url + "/_sim/log", timeout=5).json()[0]["path"] == LOGIN
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_cli_throttles_when_told(tmp_path):
    command = [sys.executable, str(SIMULATOR_DIR), "--port", "0", "--throttle-rate", "2/m", "--bare-429"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip().rsplit(" ", 1)[1]
        assert requests.get(url + "/_sim/config", timeout=5).json()["throttle_rate"] == "2/m"
        logins = [requests.post(url + LOGIN, json={"username": "admin", "password": "admin-pass"}, timeout=5) for _n in range(3)]
        assert [a.status_code for a in logins] == [200, 200, 429] and "Retry-After" not in logins[2].headers
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
    refused = subprocess.run(command[:4] + ["--throttle-rate", "fast"], capture_output=True, text=True, timeout=30, check=False)
    assert refused.returncode == 2 and "throttle_rate" in refused.stderr


def test_http_control_inject_config_and_reset(simulator, api):
    assert requests.post(simulator.url + "/_sim/inject", json={"status": 502, "method": "GET"}).status_code == 200
    assert api.get(USERS).status_code == 502
    assert requests.post(simulator.url + "/_sim/config", json={"state_format": "code", "date_format": "iso"}).status_code == 200
    john = api.get("%s%d/" % (USERS, uid(simulator, "john"))).json()
    assert (john["state"], john["birth_date"]) == ("IN-TN", "1994-07-03")
    assert requests.post(simulator.url + "/_sim/config", json={"date_format": "mdy"}).status_code == 400
    assert requests.post(simulator.url + "/_sim/reset").status_code == 200
    assert simulator.state_format == "name" and simulator.log == []


# ---------------------------------------------------------------- faults a client must survive


def test_a_dropped_connection_gets_no_answer_and_is_not_applied(simulator, api):
    simulator.inject(drop=True, method="POST", path=USERS)
    with pytest.raises(requests.exceptions.ConnectionError):
        create(api, username="ann")
    assert simulator.user("ann") is None
    assert (simulator.log[-1]["status"], simulator.log[-1]["fault"]) == (None, "drop")
    assert create(api, username="ann").status_code == 201


def test_a_dropped_connection_after_the_work_was_applied(simulator, api):
    simulator.inject(drop=True, method="POST", path=USERS, apply=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        create(api, username="ann")
    assert simulator.user("ann") is not None
    assert simulator.log[-1]["fault"] == "drop, applied"


def test_a_delayed_answer_outlasts_a_client_timeout(simulator, api):
    simulator.inject(delay=0.5, method="GET")
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.get(USERS, timeout=0.2)
    assert simulator.log[-1]["fault"] == "delay 0.5s"
    start = time.monotonic()
    assert api.get(USERS, timeout=5).status_code == 200      # the injection was used up
    assert time.monotonic() - start < 0.5


def test_a_delay_may_come_with_an_error_status(simulator, api):
    simulator.inject(503, delay=0.3)
    start = time.monotonic()
    assert api.get(USERS).status_code == 503
    assert time.monotonic() - start >= 0.3
    assert simulator.log[-1]["fault"] == "delay 0.3s, 503"


def test_tokens_expire_after_n_calls_once(simulator):
    simulator.faults["expire_tokens_after"] = 3
    api = Api(simulator)                                     # call 1: the login
    assert [api.get(USERS).status_code for _attempt in range(2)] == [200, 200]
    answer = api.get(USERS)                                  # call 4
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Signature has expired."}
    assert simulator.log[-1]["fault"] == "tokens expired"
    fresh = Api(simulator)
    assert [fresh.get(USERS).status_code for _attempt in range(3)] == [200, 200, 200]


def test_tokens_expire_over_http_control(simulator, api):
    assert requests.post(simulator.url + "/_sim/faults", json={"expire_tokens_after": 1}).json()["expire_tokens_after"] == 1
    assert api.get(USERS).status_code == 401


def test_an_injected_500_is_a_django_html_page(simulator, api):
    simulator.inject(500)
    answer = api.get(USERS)
    assert answer.status_code == 500
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "<h1>Server Error (500)</h1>" in answer.text


def two_pages(simulator):
    for number in range(25):
        simulator.add_user("pager%02d" % number)


@pytest.mark.parametrize("kind, check", [
    ("html", lambda answer: answer.headers["Content-Type"].startswith("text/html") and "<html>" in answer.text),
    ("string", lambda answer: answer.json() == "ok"),
    ("list", lambda answer: isinstance(answer.json(), list) and answer.json()[0]["username"]),
    ("bad_results", lambda answer: answer.json()["results"] == {"detail": "not a list"} and answer.json()["count"] > 20),
    ("truncated", lambda answer: answer.text.startswith('{"count": ') and len(answer.content) == int(answer.headers["Content-Length"])),
])
def test_hostile_answers_spoil_a_real_page(simulator, api, kind, check):
    two_pages(simulator)
    simulator.inject(answer=kind, method="GET", path=USERS)
    answer = api.get(USERS)
    assert answer.status_code == 200
    assert check(answer)
    if kind == "truncated":
        with pytest.raises(ValueError):
            answer.json()
    assert simulator.log[-1]["fault"] == kind
    assert api.get(USERS).json()["results"][0]["username"]                  # one answer only


def test_a_next_link_that_loops_back_to_its_own_page(simulator, api):
    two_pages(simulator)
    simulator.inject(answer="next_loop", path=USERS, times=None)
    for params in ({"q": "pager"}, {"q": "pager", "page": "2"}):
        answer = api.get(USERS, params=params).json()
        assert answer["next"] == simulator.url + USERS + "?" + "&".join("%s=%s" % item for item in params.items())


def test_a_next_link_to_another_host_keeps_path_and_query(simulator, api):
    two_pages(simulator)
    simulator.inject(answer="next_foreign", path=USERS, next_host="https://proxy.example:8443")
    assert api.get(USERS, params={"q": "pager"}).json()["next"] == "https://proxy.example:8443" + USERS + "?q=pager&page=2"


def test_an_endless_list_always_has_a_next_page(simulator, api):
    two_pages(simulator)
    simulator.inject(answer="endless", path=USERS, times=None)
    first = api.get(USERS, params={"q": "pager"}).json()
    assert (first["count"], len(first["results"])) == (25, 20)
    assert first["next"].endswith("?q=pager&page=2")
    far = api.get(USERS, params={"q": "pager", "page": "40"}).json()
    assert (far["count"], far["results"], far["next"].split("?")[1]) == (25, [], "q=pager&page=41")
    simulator.reset()
    assert api.get(USERS, params={"page": "40"}).status_code == 401                    # reset ends it


def test_a_huge_answer(simulator, api):
    simulator.inject(answer="huge", size=1024 * 1024)
    answer = api.get(USERS)
    assert answer.status_code == 200 and len(answer.content) == 1024 * 1024
    assert answer.json()["padding"].startswith("xxx")
    simulator.inject(answer="huge")
    with api.get(USERS, stream=True) as answer:
        assert int(answer.headers["Content-Length"]) == 50 * 1024 * 1024            # the default; left unread
    assert api.get(USERS).status_code == 200


def test_inject_refuses_contradictions(simulator):
    with pytest.raises(ValueError):
        simulator.inject(503, drop=True)
    with pytest.raises(ValueError):
        simulator.inject(answer="poison")
    assert requests.post(simulator.url + "/_sim/inject", json={"answer": "poison"}).status_code == 400
    assert requests.post(simulator.url + "/_sim/inject", json={"colour": "red"}).status_code == 400


def test_new_faults_over_http_control(simulator, api):
    assert requests.post(simulator.url + "/_sim/inject", json={"drop": True, "method": "GET"}).status_code == 200
    with pytest.raises(requests.exceptions.ConnectionError):
        api.get(USERS)
    assert requests.post(simulator.url + "/_sim/inject", json={"answer": "html"}).status_code == 200
    assert api.get(USERS).headers["Content-Type"].startswith("text/html")
    assert requests.post(simulator.url + "/_sim/inject", json={"delay": 0.3}).status_code == 200
    start = time.monotonic()
    assert api.get(USERS).status_code == 200
    assert time.monotonic() - start >= 0.3


# ---------------------------------------------------------------- HTTPS


@pytest.fixture(scope="module")
def tls_simulator():
    with Simulator(tls=True) as sim:
        yield sim


def test_https_with_a_certificate_clients_must_be_told_to_trust(tls_simulator):
    assert tls_simulator.url.startswith("https://127.0.0.1:")
    with pytest.raises(requests.exceptions.SSLError):
        requests.post(tls_simulator.url + LOGIN, json={"username": "admin", "password": "admin-pass"}, timeout=5)
    answer = requests.post(tls_simulator.url + LOGIN, json={"username": "admin", "password": "admin-pass"},
                           verify=tls_simulator.cert_path, timeout=5)
    assert answer.status_code == 200
    localhost = tls_simulator.url.replace("127.0.0.1", "localhost")
    page = requests.get(localhost + USERS, headers={"Authorization": "JWT " + answer.json()["token"]},
                        verify=tls_simulator.cert_path, timeout=5).json()
    assert page["results"][0]["url"].startswith("https://localhost:")
    assert tls_simulator.log[0]["path"] == LOGIN and len(tls_simulator.log) == 2     # the refused handshake never got here


def test_the_certificate_files_go_with_the_server():
    sim = Simulator(tls=True).start()
    path = Path(sim.cert_path)
    assert path.read_text().startswith("-----BEGIN CERTIFICATE-----")
    sim.stop()
    assert not path.exists() and sim.cert_path is None


def test_cli_serves_https_and_prints_the_ca_path():
    proc = subprocess.Popen([sys.executable, str(SIMULATOR_DIR), "--port", "0", "--tls"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip().rsplit(" ", 1)[1]
        ca_line = proc.stdout.readline().strip()
        assert url.startswith("https://127.0.0.1:") and ca_line.startswith("CA certificate: ")
        answer = requests.post(url + LOGIN, json={"username": "admin", "password": "admin-pass"},
                               verify=ca_line.split(": ", 1)[1], timeout=5)
        assert answer.status_code == 200
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_a_cut_answer_announces_more_than_it_sends(simulator, api):
    simulator.inject(answer="cut", method="GET")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        api.get(USERS)
    assert simulator.log[-1]["fault"] == "cut"
    assert api.get(USERS).status_code == 200


def test_reset_waits_for_a_delayed_request_so_it_cannot_land_in_the_fresh_state(simulator, api):
    simulator.inject(delay=0.4, method="POST", path=USERS)
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.post(USERS, json={"username": "late", "password": "pw-123"}, timeout=0.1)
    simulator.reset()
    assert simulator.user("late") is None and simulator.log == []
