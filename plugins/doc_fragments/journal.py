# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The write journal, taken by every module that writes (argument spec: _journal.journal_argument_spec)."""

    DOCUMENTATION = r'''
options:
  journal:
    description:
      - A file to which the task appends one JSON line per write call it makes, as the call is sent and again when
        it completes, so that a killed run still names every write it sent. Each line has the C(time), the C(run)
        (one id per task run), the C(call) number, the C(module), the C(account), the C(action) (V(create),
        V(update), V(delete), V(add batches), V(remove courses), ...), the C(method) and C(path), the C(fields)
        the call sets with their new values, and the C(outcome) (V(sent), V(done), V(failed) with its C(reason), or
        V(unknown) when the answer was lost; a line with C(recovery) then says what a read-back found).
      - Never a password, token or hash, in any spelling; a password the call sets is named in C(secret_fields),
        with no value.
      - Created with mode C(0600) (an existing file is narrowed to it; a symbolic link is refused). Each line is
        written before its call is sent, and fsync'd before the write counts as done (workers share one fsync).
      - In check mode nothing is written, and no journal either.
      - C(testpress.lms.journal_markdown) makes a "changes applied" report of a journal. See the audits guide.
      - If not set, the value of the E(TESTPRESS_JOURNAL) environment variable is used.
    type: path
'''
