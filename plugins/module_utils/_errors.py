# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The two failures every module reports: the API said no, or the task's input is wrong."""

from __future__ import annotations

# A gateway's answers after which the server may or may not have done the work: a read is retried, a write
# is read back before it is sent again (``_recovery``). Here, not in the transport, so that the pure parts
# of the collection (the roster entry rules the CSV filter uses) load without the HTTP library.
TRANSIENT_STATUSES = (502, 503, 504)


class TestpressError(Exception):
    """A call to the Testpress API failed.

    Carries the call (method and path, never the token or a query secret) and the
    server's own message, so that a failed task says what was asked and what answered.
    """

    def __init__(self, method, path, status, message):
        self.method = method
        self.path = path
        self.status = status
        self.message = message
        super().__init__(str(self))

    def __str__(self):
        answered = 'no answer,' if self.status is None else str(self.status)
        return '%s %s: %s %s' % (self.method, self.path, answered, self.message)


class TokenRejected(TestpressError):
    """The API refused the token, and there are no credentials to log in again with."""


class UntrustedCertificate(TestpressError):
    """The server's TLS certificate does not verify: nothing was sent."""


class InputError(ValueError):
    """The task's input cannot be applied; raised before any write, naming the option."""
