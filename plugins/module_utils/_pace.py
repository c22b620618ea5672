# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""When a call may be sent: retries, backoff, the run's one throttle gate and its adaptive send rate.

The API's throttle counts calls per account, so every worker of a run spends one quota. One ``Pace``
belongs to one client and so to every worker of a run:

- **the gate**: a 429 from any call holds every worker until its ``Retry-After`` has passed (without
  one, or with one of 0, below 0 or not a number: an exponential backoff from 1 s, with jitter), so the
  others do not spend the quota meanwhile;
- **the send rate** (AIMD, as TCP and the AWS SDKs' adaptive retry mode): after a 429 the calls are
  spaced at a lower rate (multiplicative decrease, once per 429 episode that asks for a wait; not below
  MIN_RATE), and the rate rises by a little
  while calls succeed at it (additive increase). More workers then wait for their turn instead of
  meeting more refusals. ``rate_limit`` (at least MIN_RATE_LIMIT) caps it from the first call, for a quota known in advance, and
  keeps at most that many calls in any second, counted as the server counts them (a call answered within
  the last second, or still on its way, may be in the server's window), so that no call meets a 429;
- **the bound**: a 429 does not use up ``max_retries``; a call refused for longer than
  ``max_throttle_wait`` seconds in all fails (``ThrottledTooLong``).

Nothing here speaks HTTP or knows about Ansible; the clock and the sleep are parameters, so the unit
tests run on a fake clock.
"""

from __future__ import annotations

import collections
import math
import random
import threading
import time

# The send rate after a 429: this share of the rate at which calls were accepted in the second before.
DECREASE = 0.95
# While calls succeed at the paced rate, it rises by this share of the rate set at the last 429, per
# second: from DECREASE back to the server's rate in about (1 - DECREASE) / INCREASE = 33 s. Slow, since
# every 429 holds the whole run for its Retry-After (at least 1 s as Django REST framework rounds it).
INCREASE = 0.0015
# The rate is never lowered below this: a quota lower still is kept by the gate (each 429's Retry-After).
MIN_RATE = 1.0
# The lowest rate_limit taken (calls per second): one call every 10 s. Below it a run has no bound in time.
MIN_RATE_LIMIT = 0.1
# A bare 429 (no Retry-After) holds the gate 1 s, then 2, 4, ... up to this, while 429s follow each other.
MAX_THROTTLE_BACKOFF = 60.0
# The accepted calls counted to measure the rate at which the server accepts them.
HISTORY = 200
# A known quota (rate_limit) is kept with this margin, so that clock jitter between here and the
# server's window never makes one call too many.
RATE_LIMIT_MARGIN = 0.98
# A known quota (rate_limit) is also kept per WINDOW seconds, counted as the server counts, whatever the jitter.
WINDOW = 1.0
# How often a worker looks again when every call of the window is still on its way.
POLL = 0.005
# Retries of a failed (not throttled) call: exponential backoff with jitter, from BACKOFF up to MAX_BACKOFF.
BACKOFF = 0.5
MAX_BACKOFF = 30.0


class ThrottledTooLong(Exception):
    """The server kept answering 429 to a call for longer than ``max_throttle_wait`` allows."""

    def __init__(self, waited, bound, asked=None):
        self.waited = waited
        self.bound = bound
        self.asked = asked
        super().__init__(str(self))

    def __str__(self):
        if self.asked is not None:
            return ('throttled (HTTP 429): the server kept throttling this call for %s s and asks for %s s more, '
                    'past max_throttle_wait (%s s)' % (_seconds(self.waited), _seconds(self.asked), _seconds(self.bound)))
        return ('throttled (HTTP 429): the server kept throttling this call for %s s, past max_throttle_wait (%s s)'
                % (_seconds(self.waited), _seconds(self.bound)))


def _seconds(value):
    return ('%.1f' % value).rstrip('0').rstrip('.')


def retry_after_seconds(value):
    """The seconds of a ``Retry-After`` header (a number of seconds), or None: absent, not a number, or not above 0.

    None means a bare 429 (the backoff from 1 s). A proxy answering ``Retry-After: 0`` (or a negative number)
    call after call would otherwise make a hot loop; Django REST framework never sends less than 1. The
    HTTP-date form is not used by Django REST framework either; it counts as absent.
    """
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if math.isfinite(seconds) and seconds > 0 else None


def check_rate_limit(rate_limit):
    """``rate_limit`` as a number of calls per second, or None for no limit (unset or 0, as AWX injects "0").

    Below MIN_RATE_LIMIT (and not 0) it is refused (ValueError): each call would wait longer than
    1 / MIN_RATE_LIMIT seconds for its turn, a wait no other bound (``max_throttle_wait``) limits.
    """
    if rate_limit is None or rate_limit == 0:
        return None
    if not (isinstance(rate_limit, (int, float)) and math.isfinite(rate_limit) and rate_limit >= MIN_RATE_LIMIT):
        raise ValueError('rate_limit must be 0 (no limit) or at least %s calls per second (one call every %d s), got %s'
                         % (MIN_RATE_LIMIT, 1 / MIN_RATE_LIMIT, rate_limit))
    return float(rate_limit)


def backoff_delay(attempt, base=BACKOFF, cap=MAX_BACKOFF, uniform=random.uniform):
    """Exponential backoff with jitter, so parallel workers do not retry in step."""
    return min(cap, base * (2 ** attempt)) * uniform(0.5, 1.0)


class Ticket:
    """What ``Pace.wait_turn`` hands a call: which rate episode it was sent in, and since when it is throttled."""

    __slots__ = ('episode', 'throttled_since', 'waited_for_rate', 'in_flight')

    def __init__(self):
        self.episode = 0
        self.throttled_since = None
        self.waited_for_rate = False
        self.in_flight = False


class Pace:
    """The shared gate and send rate of one client (see the module docstring)."""

    def __init__(self, rate_limit=None, max_throttle_wait=600.0, clock=time.monotonic, sleep=time.sleep,
                 uniform=random.uniform):
        self.rate_limit = check_rate_limit(rate_limit)
        self.max_throttle_wait = float(max_throttle_wait)
        self._clock = clock
        self._sleep = sleep
        self._uniform = uniform
        self._lock = threading.Lock()
        # A known quota is never exceeded, whatever the additive increase says.
        self._ceiling = self.rate_limit * RATE_LIMIT_MARGIN if self.rate_limit else None
        self._rate = self._ceiling
        # rate_limit's calls in any WINDOW: the calls on their way, and those answered within the last WINDOW.
        self._per_window = int(self.rate_limit * WINDOW) if self.rate_limit and self.rate_limit * WINDOW >= 1 else None
        self._in_flight = 0
        self._answered = collections.deque()
        self._raised_by = 0.0
        self._next_slot = 0.0
        self._gate_open_at = 0.0
        self._episode = 0
        self._bare_429s = 0
        self._accepted = []
        self.throttled = 0

    @property
    def rate(self):
        """The calls per second the client spaces its calls at now; None while it sends as fast as asked."""
        return self._rate

    def wait_turn(self, ticket=None):
        """Wait until this call may be sent: the gate open, then its slot at the current rate. Returns its ticket.

        A worker waiting for its slot looks at the gate again before it sends: a 429 meanwhile holds it too.
        """
        ticket = ticket or Ticket()
        slot = None
        while True:
            with self._lock:
                now = self._clock()
                if now < self._gate_open_at:
                    delay, slot = self._gate_open_at - now, None
                elif slot is None:
                    slot = max(now, self._next_slot)
                    if self._rate:
                        self._next_slot = slot + 1.0 / self._rate
                    ticket.waited_for_rate = slot > now
                    delay = slot - now
                else:
                    delay = slot - now
                if delay <= 0:
                    delay = self._window_full(now)
                if delay <= 0:
                    ticket.episode = self._episode
                    ticket.in_flight = True
                    self._in_flight += 1
                    return ticket
            self._sleep(delay)

    def _window_full(self, now):
        """How long a call must wait so that no WINDOW holds more than rate_limit's calls, however late each
        reached the server: a call answered more than WINDOW ago surely arrived before this one's window; a call
        answered since, or still on its way, may be in it."""
        if not self._per_window:
            return 0.0
        while self._answered and self._answered[0] <= now - WINDOW:
            self._answered.popleft()
        if self._in_flight + len(self._answered) < self._per_window:
            return 0.0
        return self._answered[0] + WINDOW - now if self._answered else POLL

    def _done(self, ticket):
        if ticket.in_flight:
            ticket.in_flight = False
            self._in_flight -= 1
            if self._per_window:
                # Only a known quota's window reads them (and prunes them): without one, 100,000 students'
                # calls would each leave a time here for the whole run.
                self._answered.append(self._clock())

    def lost(self, ticket):
        """A call sent with ``ticket`` got no answer (it may have reached the server)."""
        with self._lock:
            self._done(ticket)

    def accepted(self, ticket):
        """The server took a call sent with ``ticket`` (any answer but 429): raise the rate a little."""
        with self._lock:
            self._done(ticket)
            self._bare_429s = 0
            self._accepted.append(self._clock())
            del self._accepted[:-HISTORY]
            if self._rate and ticket.waited_for_rate and ticket.episode == self._episode:
                step = INCREASE * self._raised_by / self._rate
                self._rate = min(self._ceiling, self._rate + step) if self._ceiling else self._rate + step
        ticket.throttled_since = None

    def refused(self, ticket, retry_after):
        """The server answered 429 to a call sent with ``ticket``: close the gate, lower the rate.

        ``retry_after`` is the header's seconds or None. The first 429 of an episode (a call sent since the
        last one) sets the gate and lowers the rate; the calls already on their way when it came are held
        by that gate and change nothing else. Raises ThrottledTooLong when waiting on would take this call
        past ``max_throttle_wait``.
        """
        with self._lock:
            self._done(ticket)
            now = self._clock()
            self.throttled += 1
            if ticket.throttled_since is None:
                ticket.throttled_since = now
            new_episode = ticket.episode == self._episode
            if retry_after is not None:
                wait = retry_after
            elif new_episode:
                wait = min(MAX_THROTTLE_BACKOFF, 2.0 ** self._bare_429s) * self._uniform(1.0, 1.25)
            else:
                wait = max(0.0, self._gate_open_at - now)
            waited = now - ticket.throttled_since
            if waited + wait > self.max_throttle_wait:
                raise ThrottledTooLong(waited, self.max_throttle_wait, asked=wait if retry_after is not None else None)
            self._gate_open_at = max(self._gate_open_at, now + wait)
            if new_episode and wait > 0:
                self._bare_429s += retry_after is None
                self._decrease(now)

    def _decrease(self, now):
        """Once per 429 episode: the rate becomes DECREASE times the rate the server was accepting."""
        accepted = self._accepted_rate(now)
        current = self._rate or accepted
        self._rate = max(MIN_RATE, DECREASE * min(current, accepted or current)) if (current or accepted) else None
        self._raised_by = self._rate or 0.0
        self._episode += 1
        self._next_slot = 0.0

    def _accepted_rate(self, now):
        """Calls accepted per second over the last second or more (the span of the recent history)."""
        if not self._accepted:
            return None
        recent = [moment for moment in self._accepted if moment > now - 1.0]
        if len(recent) >= 2:
            span = max(1.0, now - recent[0])
            return len(recent) / span
        span = max(1.0, now - self._accepted[0])
        return len(self._accepted) / span

    def pause(self, attempt):
        """Back off before a retry of a failed (not throttled) call."""
        self._sleep(backoff_delay(attempt, uniform=self._uniform))
