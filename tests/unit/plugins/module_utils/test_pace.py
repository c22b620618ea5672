# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The pace of a run on a fake clock: the shared gate, the adaptive rate, rate_limit and the throttle bound.

No test sleeps: ``FakeTime`` moves its clock by what the pace asks to sleep. ``DrfServer`` is Django REST
framework's ``SimpleRateThrottle`` on that clock (N calls in a sliding window; ``Retry-After`` from its
``wait()``, rounded up as DRF's ``Throttled`` does), so a run of the pace against it shows how many calls
a quota refuses and how long the run takes.
"""

from __future__ import annotations

import math

import pytest

from ansible_collections.testpress.lms.plugins.module_utils import _pace
from ansible_collections.testpress.lms.plugins.module_utils._pace import Pace, ThrottledTooLong, retry_after_seconds


class FakeTime:
    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def no_jitter(low, _high):
    return low


@pytest.fixture
def fake():
    return FakeTime()


def pace_on(fake, **options):
    return Pace(clock=fake.clock, sleep=fake.sleep, uniform=no_jitter, **options)


class DrfServer:
    """SimpleRateThrottle: ``rate`` calls per ``window`` seconds, sliding; ``bare``: 429s without Retry-After."""

    def __init__(self, fake, rate, window=1.0, bare=False):
        self.fake, self.rate, self.window, self.bare = fake, rate, window, bare
        self.history = []
        self.served = self.refused = 0

    def call(self):
        now = self.fake.now
        self.history = [moment for moment in self.history if moment > now - self.window]
        if len(self.history) >= self.rate:
            self.refused += 1
            wait = (self.window - (now - self.history[0])) / (self.rate - len(self.history) + 1)
            return None if self.bare else float(math.ceil(wait))
        self.history.append(now)
        self.served += 1
        return 'ok'


def run(pace, server, calls, latency=0.001):
    """Send ``calls`` calls one after the other through ``pace`` to ``server``; each takes ``latency`` s."""
    for _number in range(calls):
        while True:
            ticket = pace.wait_turn()
            answer = server.call()
            server.fake.now += latency
            if answer == 'ok':
                pace.accepted(ticket)
                break
            pace.refused(ticket, answer)


def test_a_429_with_retry_after_holds_every_worker_until_it_passed(fake):
    pace = pace_on(fake)
    first, second = pace.wait_turn(), pace.wait_turn()
    pace.refused(first, 7.0)
    started = fake.now
    pace.wait_turn()                       # a worker that did not meet the 429 waits too
    assert fake.now - started == pytest.approx(7.0)
    pace.refused(second, 7.0)              # on its way before the gate closed: held, no second decrease
    assert pace.throttled == 2


def test_a_bare_429_backs_off_from_one_second_doubling_while_they_follow_each_other(fake):
    pace = pace_on(fake)
    waits = []
    for _attempt in range(4):
        ticket = pace.wait_turn()
        pace.refused(ticket, None)
        before = fake.now
        pace.wait_turn()
        waits.append(fake.now - before)
    assert waits == pytest.approx([1.0, 2.0, 4.0, 8.0])
    pace.accepted(pace.wait_turn())
    ticket = pace.wait_turn()
    pace.refused(ticket, None)
    before = fake.now
    pace.wait_turn()
    assert fake.now - before == pytest.approx(1.0)


def test_a_bare_429_backoff_has_jitter():
    fake = FakeTime()
    pace = Pace(clock=fake.clock, sleep=fake.sleep, uniform=lambda low, high: high)
    pace.refused(pace.wait_turn(), None)
    pace.wait_turn()
    assert fake.sleeps == [pytest.approx(1.25)]


def test_after_a_429_the_rate_drops_below_what_the_server_accepted_then_rises_while_calls_succeed(fake):
    pace = pace_on(fake)
    assert pace.rate is None
    for _number in range(50):
        pace.accepted(pace.wait_turn())
        fake.now += 0.01                   # 100 calls/s accepted
    pace.refused(pace.wait_turn(), 1.0)
    lowered = pace.rate
    assert lowered == pytest.approx(_pace.DECREASE * 50 / 1.0, rel=0.05)
    for _number in range(200):
        pace.accepted(pace.wait_turn())
    assert lowered < pace.rate < lowered * 1.2


def test_calls_at_the_lowered_rate_are_spaced_evenly(fake):
    pace = pace_on(fake, rate_limit=10)
    moments = []
    for _number in range(5):
        pace.wait_turn()
        moments.append(fake.now)
    gaps = [later - earlier for earlier, later in zip(moments, moments[1:])]
    assert gaps == pytest.approx([1 / (10 * _pace.RATE_LIMIT_MARGIN)] * 4)


def test_rate_limit_is_never_exceeded_by_the_increase(fake):
    pace = pace_on(fake, rate_limit=10)
    for _number in range(500):
        pace.accepted(pace.wait_turn())
    assert pace.rate == pytest.approx(10 * _pace.RATE_LIMIT_MARGIN)


def test_a_call_throttled_longer_than_max_throttle_wait_fails_saying_so(fake):
    pace = pace_on(fake, max_throttle_wait=10)
    ticket = pace.wait_turn()
    with pytest.raises(ThrottledTooLong) as caught:
        for _attempt in range(10):
            pace.refused(ticket, 4.0)
            pace.wait_turn(ticket)
    assert str(caught.value) == ('throttled (HTTP 429): the server kept throttling this call for 8 s and asks for 4 s more, '
                                 'past max_throttle_wait (10 s)')
    assert fake.now - 100.0 == pytest.approx(8.0)


def test_a_retry_after_longer_than_the_bound_fails_at_once(fake):
    pace = pace_on(fake, max_throttle_wait=600)
    with pytest.raises(ThrottledTooLong, match='for 0 s and asks for 3600 s more, past max_throttle_wait'):
        pace.refused(pace.wait_turn(), 3600.0)
    assert fake.sleeps == []


def test_a_success_starts_the_bound_again(fake):
    pace = pace_on(fake, max_throttle_wait=10)
    for _round in range(5):
        ticket = pace.wait_turn()
        pace.refused(ticket, 6.0)
        pace.accepted(pace.wait_turn(ticket))


@pytest.mark.parametrize('value, seconds', [('7', 7.0), ('1.5', 1.5), ('', None), (None, None),
                                            ('Wed, 21 Oct 2026 07:28:00 GMT', None), ('nan', None), ('inf', None),
                                            ('0', None), ('0.0', None), ('-3', None), ('soon', None)])
def test_retry_after_is_read_as_seconds_and_none_unless_above_zero(value, seconds):
    assert retry_after_seconds(value) == seconds


@pytest.mark.parametrize('header', ['0', '-1', 'soon'])
def test_a_retry_after_of_zero_or_less_or_not_a_number_backs_off_as_a_bare_429(fake, header):
    # A proxy answering 429 with this header to every call: 1 s, 2, 4, ... as for a bare 429, and the
    # bound (max_throttle_wait) ends it after a handful of calls, not thousands.
    pace = pace_on(fake, max_throttle_wait=120)
    ticket, refusals = pace.wait_turn(), 0
    with pytest.raises(ThrottledTooLong, match='past max_throttle_wait'):
        while True:
            pace.refused(ticket, retry_after_seconds(header))
            refusals += 1
            pace.wait_turn(ticket)
    assert fake.sleeps == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
    assert refusals + 1 == 7          # the 7th 429 would take the call past the bound


@pytest.mark.parametrize('value', [0.01, 0.0999, -1, float('nan'), float('inf')])
def test_a_rate_limit_below_its_bound_is_refused_naming_the_option(value):
    with pytest.raises(ValueError) as caught:
        _pace.check_rate_limit(value)
    assert str(caught.value) == ('rate_limit must be 0 (no limit) or at least 0.1 calls per second (one call every 10 s), '
                                 'got %s' % value)


@pytest.mark.parametrize('value, taken', [(None, None), (0, None), (0.0, None), (0.1, 0.1), (12.5, 12.5)])
def test_a_rate_limit_of_zero_is_none_and_the_bound_is_taken(value, taken):
    assert _pace.check_rate_limit(value) == taken
    assert Pace(rate_limit=value).rate_limit == taken


@pytest.mark.parametrize('bare', [False, True], ids=['retry-after', 'bare-429'])
def test_against_a_drf_throttle_the_run_keeps_near_the_rate_with_few_refusals(fake, bare):
    server = DrfServer(fake, rate=50, bare=bare)
    pace = pace_on(fake)
    run(pace, server, 1000)
    ideal = server.served / 50.0
    assert server.served == 1000
    assert server.refused <= 0.05 * server.served
    assert fake.now - 100.0 <= 1.25 * ideal


def test_with_rate_limit_at_the_servers_rate_no_call_is_refused(fake):
    server = DrfServer(fake, rate=50)
    run(pace_on(fake, rate_limit=50), server, 500)
    assert server.refused == 0 and server.served == 500


def test_pause_backs_off_exponentially_with_jitter_up_to_a_cap(fake):
    pace = pace_on(fake)
    for attempt in (0, 1, 2, 10):
        pace.pause(attempt)
    assert fake.sleeps == [0.25, 0.5, 1.0, _pace.MAX_BACKOFF / 2]


def test_rate_limit_keeps_under_the_quota_however_late_calls_arrive(fake):
    # Every 7th call reaches the server 80 ms after it was sent (more than the rate's margin); the others at once,
    # so a late call and the calls sent after it arrive close together.
    server = DrfServer(fake, rate=30)
    pace = pace_on(fake, rate_limit=30)
    on_their_way = []

    def arrive(until):
        for arrival, ticket in sorted(on_their_way, key=lambda pending: pending[0]):
            if arrival <= until:
                now, fake.now = fake.now, arrival
                assert server.call() == 'ok'
                fake.now = now
                on_their_way.remove((arrival, ticket))
                pace.accepted(ticket)

    for number in range(400):
        arrive(fake.now)
        ticket = pace.wait_turn()
        arrive(fake.now - 1e-9)
        on_their_way.append((fake.now + (0.08 if number % 7 == 0 else 0.0), ticket))
    arrive(fake.now + 1.0)
    assert server.served == 400 and server.refused == 0


def test_a_call_lost_on_its_way_still_counts_in_the_window(fake):
    pace = pace_on(fake, rate_limit=2)
    first, second = pace.wait_turn(), pace.wait_turn()
    pace.lost(first)
    pace.accepted(second)
    started = fake.now
    pace.wait_turn()
    assert fake.now - started == pytest.approx(1.0)
