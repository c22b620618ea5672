# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's rate throttle, as Django REST framework's SimpleRateThrottle: the window, the key, wait()."""

from __future__ import annotations

import pytest

from ansible_collections.testpress.lms.tests.simulator import Simulator
from ansible_collections.testpress.lms.tests.simulator.throttle import RateThrottle, parse_rate, retry_after
from sim_api import LOGIN, USERS, Api, requests


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.mark.parametrize("rate, parsed", [("30/s", (30, 1)), ("30/sec", (30, 1)), ("100/min", (100, 60)),
                                          ("5/h", (5, 3600)), ("1000/day", (1000, 86400)), (None, None)])
def test_rates_are_read_as_drf_reads_them(rate, parsed):
    assert parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["30", "x/s", "30/w", "0/s", "30/"])
def test_a_bad_rate_is_refused(rate):
    with pytest.raises(ValueError, match="throttle_rate"):
        parse_rate(rate)


def test_the_window_slides_and_wait_is_drfs():
    clock = Clock()
    throttle = RateThrottle("3/s", timer=clock)
    for step in (0.0, 0.2, 0.4):
        clock.now = 1000.0 + step
        assert throttle.check("user:1") == (True, None)
    clock.now = 1000.5
    allowed, wait = throttle.check("user:1")
    # DRF: (duration - (now - oldest in the window)) / (num_requests - len(history) + 1) = 0.5 / 1
    assert not allowed and wait == pytest.approx(0.5)
    assert retry_after(wait) == 1
    assert throttle.check("user:2") == (True, None)          # per key: another account has its own window
    clock.now = 1001.0                                       # the first call leaves the window (<= now - duration)
    assert throttle.check("user:1") == (True, None)
    assert throttle.check("user:1")[0] is False              # a refused call is not counted: still 3 in the window


def test_wait_over_a_long_window_is_the_rest_of_it():
    clock = Clock()
    throttle = RateThrottle("2/min", timer=clock)
    throttle.check("k")
    clock.now += 10
    throttle.check("k")
    clock.now += 5
    assert throttle.check("k") == (False, pytest.approx(45.0))
    assert retry_after(44.2) == 45 and retry_after(None) is None


def test_throttled_calls_get_429_with_retry_after_and_the_counts_say_so(simulator, api):
    simulator.configure(throttle_rate="5/m")
    statuses = [api.get(USERS) for _call in range(7)]
    assert [a.status_code for a in statuses] == [200] * 5 + [429] * 2        # a login is counted apart (by address)
    refused = statuses[-1]
    assert refused.json()["detail"].startswith("Request was throttled. Expected available in ")
    assert 55 <= int(refused.headers["Retry-After"]) <= 60
    assert simulator.counts() == {"calls": 8, "served": 6, "throttled": 2}      # the login, then 7 calls
    assert [e["status"] for e in simulator.log].count(429) == 2


def test_a_bare_429_has_no_retry_after(simulator, api):
    simulator.configure(throttle_rate="1/m", throttle_retry_after=False)
    api.get(USERS)
    refused = api.get(USERS)
    assert refused.status_code == 429
    assert "Retry-After" not in refused.headers
    assert refused.json() == {"detail": "Request was throttled."}


def test_the_quota_is_per_account_and_a_login_is_counted_by_client_address(simulator):
    simulator.add_user("ops", "ops-pass", is_staff=True)
    simulator.configure(throttle_rate="3/m")
    admin, ops = Api(simulator), Api(simulator, "ops", "ops-pass")        # two logins from this address
    assert [admin.get(USERS).status_code for _call in range(4)] == [200, 200, 200, 429]
    assert ops.get(USERS).status_code == 200                                # its own quota
    login = requests.post(simulator.url + LOGIN, json={"username": "admin", "password": "admin-pass"})
    assert login.status_code == 200                                         # the 3rd login of this address
    assert requests.post(simulator.url + LOGIN, json={"username": "admin", "password": "admin-pass"}).status_code == 429


def test_unauthenticated_calls_are_refused_before_the_throttle_counts_them(simulator, api):
    simulator.configure(throttle_rate="2/m")
    assert requests.get(simulator.url + USERS).status_code == 401
    assert api.get(USERS).status_code == 200
    assert api.get(USERS).status_code == 200
    assert api.get(USERS).status_code == 429


def test_the_throttle_is_a_switch_over_http_and_reset_turns_it_off(simulator, api):
    answer = requests.post(simulator.url + "/_sim/config", json={"throttle_rate": "1/m", "throttle_retry_after": False})
    assert answer.status_code == 200
    assert answer.json()["throttle_rate"] == "1/m" and answer.json()["throttle_retry_after"] is False
    assert requests.get(simulator.url + "/_sim/config").json()["throttle_rate"] == "1/m"
    api.get(USERS)
    assert api.get(USERS).status_code == 429
    assert requests.get(simulator.url + "/_sim/counts").json() == {"calls": 3, "served": 2, "throttled": 1}   # with the login
    for bad in ({"throttle_rate": "fast"}, {"throttle_retry_after": "no"}, {"no_such_switch": 1}):
        refused = requests.post(simulator.url + "/_sim/config", json=bad)
        assert refused.status_code == 400 and list(bad)[0] in refused.json()["detail"]
    simulator.reset()
    assert simulator.throttle_rate is None and simulator.throttle_retry_after is True
    assert simulator.counts() == {"calls": 0, "served": 0, "throttled": 0}


def test_the_constructor_takes_the_throttle_and_reset_returns_to_it():
    with Simulator(throttle_rate="2/m") as sim:
        api = Api(sim)
        assert [api.get(USERS).status_code for _call in range(3)] == [200, 200, 429]
        sim.configure(throttle_rate=None)
        assert api.get(USERS).status_code == 200
        sim.reset()
        assert sim.throttle_rate == "2/m"
    with pytest.raises(ValueError, match="throttle_rate"):
        Simulator(throttle_rate="many")
