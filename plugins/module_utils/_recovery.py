# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A write whose outcome is unknown: read back, then send only what is still needed (one loop for every write).

The client never replays a write that may have been applied (a create answered 502 may have made the
account; a batch added twice is refused). Its callers recover here instead: after a pause, they read what
the server holds now; when the write turns out done, that is its result, otherwise what remains is sent
again, at most ``max_retries`` times.
"""

from __future__ import annotations

from ansible_collections.testpress.lms.plugins.module_utils._errors import TRANSIENT_STATUSES, TestpressError


def outcome_unknown(err):
    """True when a failed write may still have been applied: no answer, or a gateway's 502/503/504."""
    return err.status is None or err.status in TRANSIENT_STATUSES


def until_done(client, send, read_back, happened_before=None):
    """``send()``'s result, recovering a write whose outcome is unknown.

    ``read_back()`` returns ``(True, result)`` when the server already holds what ``send`` was to make,
    else ``(False, None)``; it may leave ``send`` ready to send only what remains. ``happened_before(err)``
    says that an error proves an earlier attempt was applied (a create meeting "already exists"): then
    the read-back must find it, and nothing is sent again.
    """
    attempt = 0
    while True:
        try:
            return send()
        except TestpressError as err:
            applied_earlier = happened_before is not None and happened_before(err)
            if not (outcome_unknown(err) or applied_earlier):
                raise
            failure = err
        attempt += 1
        if not applied_earlier:
            # A write still in flight behind a gateway shows up in a read a moment later.
            client.pause(attempt)
        done, result = read_back()
        if client.journal is not None:
            client.journal.recovered(done, again=not (done or applied_earlier or attempt > client.max_retries))
        if done:
            return result
        if applied_earlier or attempt > client.max_retries:
            raise failure
