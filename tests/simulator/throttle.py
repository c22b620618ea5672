# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A rate throttle computed as Django REST framework's `SimpleRateThrottle` computes it.

At most N calls in a sliding window per key (the account; a login, which has none, by client
address). A refused call is not counted. `wait()` is DRF's: the rest of the window of the oldest call
still in it, divided by the calls still available plus one; the answer's `Retry-After` is that
rounded up (DRF's `Throttled`).
"""

from __future__ import annotations

import collections
import math
import time

# DRF reads the first letter of the period: "30/s", "30/sec", "100/min", "1000/hour", "5000/day".
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate):
    """`"N/period"` -> (N, seconds); None -> None. ValueError for anything else."""
    if rate is None:
        return None
    try:
        num, period = str(rate).split("/")
        calls, duration = int(num), PERIODS[period.strip()[0]]
    except (ValueError, KeyError, IndexError):
        raise ValueError("throttle_rate: null or \"N/s\", \"N/m\", \"N/h\" or \"N/d\", not %r" % (rate,)) from None
    if calls < 1:
        raise ValueError("throttle_rate: at least 1 call per period, not %r" % (rate,))
    return calls, duration


class RateThrottle:
    """DRF's SimpleRateThrottle for one rate: `check(key)` allows and counts a call, or refuses it."""

    def __init__(self, rate, timer=time.monotonic):
        self.num_requests, self.duration = parse_rate(rate)
        self.timer = timer
        self._history = collections.defaultdict(collections.deque)

    def check(self, key):
        """(True, None) for a call allowed (and counted in the window of `key`); (False, DRF's wait()) for one refused."""
        history = self._history[key]
        now = self.timer()
        while history and history[-1] <= now - self.duration:
            history.pop()
        if len(history) >= self.num_requests:
            return False, self._wait(history, now)
        history.appendleft(now)
        return True, None

    def _wait(self, history, now):
        remaining = self.duration - (now - history[-1]) if history else self.duration
        available = self.num_requests - len(history) + 1
        return remaining / float(available) if available > 0 else None


def retry_after(wait):
    """DRF's `Throttled(wait)`: the whole seconds a client is told to wait, or None (no Retry-After)."""
    return None if wait is None else math.ceil(wait)
