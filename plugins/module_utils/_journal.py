# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The write journal: one JSON line per write call, as it is sent and when it completes.

The client (``_client``) writes a ``sent`` line before a write goes out and a ``done``, ``failed`` or
``unknown`` line (the answer was lost) when it comes back; ``_recovery`` adds what the read-back then
decided. Each line is self-contained (time, run, call number, module, account, action, method and path,
the fields set and their new values, outcome), so ``jq`` reads one without the others.

Durability: every line reaches the file (written and flushed) before the call it names goes on, so a
killed process leaves every write it sent named. A completion line is also fsync'd before the write
counts as done; workers that complete together share one fsync (group commit), so a sent line is made
durable with the next completion.

Never a secret: a field whose name says password, token, hash or secret is named in ``secret_fields``
with no value, and every spelling of the call's secrets (the admin's password and token, the account's
password) is masked in what is left.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import threading
import uuid

from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError, TestpressError
from ansible_collections.testpress.lms.plugins.module_utils._files import PrivateFileError, open_private_append
from ansible_collections.testpress.lms.plugins.module_utils._recovery import outcome_unknown
from ansible_collections.testpress.lms.plugins.module_utils._secrets import scrub

SECRET_WORDS = ('password', 'token', 'hash', 'secret')
_context = threading.local()


def new_run_id(now=None):
    """A run's id: its start (UTC) and a random part, so runs of many hosts at one moment differ."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return '%s-%s' % (now.strftime('%Y%m%dT%H%M%SZ'), uuid.uuid4().hex[:6])


@contextlib.contextmanager
def account(name):
    """``with account(username):`` the writes this thread sends meanwhile are that account's."""
    outer = getattr(_context, 'account', None)
    _context.account = name
    try:
        yield
    finally:
        _context.account = outer


def _secret(name):
    lowered = str(name).lower()
    return any(word in lowered for word in SECRET_WORDS)


def _public(fields, secret_names, prefix=''):
    """``fields`` without a secret's value; the names of the secrets left out go to ``secret_names``."""
    shown = {}
    for name, value in fields.items():
        if _secret(name):
            secret_names.append(prefix + str(name))
        elif isinstance(value, dict):
            shown[name] = _public(value, secret_names, '%s%s.' % (prefix, name))
        else:
            shown[name] = value
    return shown


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


class Journal:
    """The journal of one task's run, appended to ``path`` (created ``0600``)."""

    def __init__(self, path, module, run, account_name=None):
        try:
            self._file = open_private_append(path)
        except PrivateFileError as err:
            raise InputError('journal: %s' % err) from None
        self.path = path
        self.module, self.run, self.account = module, run, account_name
        self._lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._calls = 0
        self._written = self._synced = 0

    def record(self, send, method, path, params, body, check, action, secrets=()):
        """The answer of ``send(method, path, params=, body=, check=)`` (the client's send loop), the write it makes
        in the journal before it goes out and when it ends (``action``: what it does, in the journal's words:
        ``create``, ``add batches``)."""
        call = self.sent(method, path, body, params, action, secrets)
        try:
            answer = send(method, path, params=params, body=body, check=check)
        except TestpressError as err:
            self.finished(call, err)
            raise
        self.finished(call)
        return answer

    def sent(self, method, path, body=None, params=None, action=None, secrets=()):
        """Record a write about to be sent; returns the call, for ``finished``. ``secrets``: what no line of it may
        show in any spelling (the client's token and password, the password the body carries)."""
        fields, secret_names = {}, []
        for part in (params, body):
            if isinstance(part, dict):
                fields.update(_public(part, secret_names))
        with self._lock:
            self._calls += 1
            call = self._calls
        line = {'time': None, 'run': self.run, 'call': call, 'module': self.module,
                'account': getattr(_context, 'account', None) or self.account, 'action': action or method.lower(),
                'method': method, 'path': path, 'fields': fields, 'outcome': 'sent'}
        if secret_names:
            line['secret_fields'] = secret_names
        call = (line, [secret for secret in secrets if isinstance(secret, str) and secret])
        self._append(call, {}, durable=False)
        _context.last = call
        return call

    def finished(self, call, err=None):
        """Record how the write ``call`` (from ``sent``) ended: ``done``, or ``failed`` or ``unknown`` (its answer
        lost), with why."""
        if err is None:
            self._append(call, {'outcome': 'done'})
        else:
            self._append(call, {'outcome': 'unknown' if outcome_unknown(err) else 'failed', 'status': err.status,
                                'reason': str(err)})

    def recovered(self, applied, again):
        """After a write of this thread whose outcome was unknown, what the read-back found: it was ``applied``
        (done), or not, and what remains is sent ``again`` (failed) or not (the task fails)."""
        call = getattr(_context, 'last', None)
        if call is None:
            return
        if applied:
            self._append(call, {'outcome': 'done', 'recovery': 'read back: applied'})
        else:
            self._append(call, {'outcome': 'failed', 'recovery': 'read back: not applied%s'
                                % ('; what remains is sent again' if again else '')})

    def _append(self, call, outcome, durable=True):
        line, secrets = call
        line = dict(line, time=_now(), **outcome)
        text = json.dumps(line, ensure_ascii=False, default=str)
        if secrets:
            text = scrub(text, secrets)
        data = (text + '\n').encode('utf-8')
        with self._lock:
            self._file.write(data)
            self._file.flush()
            self._written += 1
            mark = self._written
        if durable:
            self._sync(mark)

    def _sync(self, mark):
        """fsync once for every line written up to now: a worker whose line another's fsync covered goes on."""
        with self._sync_lock:
            if self._synced >= mark:
                return
            with self._lock:
                target = self._written
            os.fsync(self._file.fileno())
            self._synced = target

    def close(self):
        with self._lock:
            written = self._written
        self._sync(written)
        self._file.close()
