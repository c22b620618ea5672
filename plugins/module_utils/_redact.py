# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``redact``: a task's result with every personal value masked, so that what Ansible prints (``-v``,
``--diff``) and what AWX or ansible-runner keeps (job events) holds none.

Personal is the ``personal`` column of ``_users.USER_FIELDS`` (contact details, birth date, address, custom
fields), wherever such an option is a key of the result: in a change's ``before``/``after``, a diff item, an
exported account, the task's own arguments (``invocation``). Only the value goes: the option's name stays, an
empty value stays empty (so "no phone number" still shows), and a custom field keeps its name. Where a dict
holds ``before`` and ``after`` (a change, a diff item), an ``after`` value that differs from ``before`` reads
``(redacted, changed)``, so a reader, and the drift reports, still see what changed. A message (the task's
``msg``, a failure's) loses every personal value of the result and of the task's arguments that it holds, as
a server may echo what it was sent.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.testpress.lms.plugins.module_utils._fields import CUSTOM
from ansible_collections.testpress.lms.plugins.module_utils._users import FIELDS_BY_OPTION, PERSONAL_OPTIONS

REDACTED = '(redacted)'
REDACTED_CHANGED = '(redacted, changed)'
# A personal value this short (a custom field's "1") is not looked for in messages: it would mask words.
MIN_SHOWN = 4


def _empty(value):
    return value is None or value == ''


def _mask(value, changed=False):
    if _empty(value):
        return value
    return REDACTED_CHANGED if changed else REDACTED


def _masked(option, value, before=None, paired=False):
    """The value of personal option ``option``; ``paired``: it is an ``after`` beside ``before``."""
    if FIELDS_BY_OPTION[option].kind is CUSTOM and isinstance(value, Mapping):
        old = dict((str(name).casefold(), item) for name, item in before.items()) if isinstance(before, Mapping) else {}
        return dict((name, _mask(item, paired and (old.get(str(name).casefold()) or '') != (item or '')))
                    for name, item in value.items())
    if isinstance(value, (Mapping, list)):
        return REDACTED
    return _mask(value, paired and (before or '') != (value or ''))


def redact(data):
    """A copy of ``data`` (a result: dicts, lists and plain values) with every personal value masked."""
    if isinstance(data, Mapping):
        before, after = data.get('before'), data.get('after')
        paired = isinstance(before, Mapping) and isinstance(after, Mapping)
        masked = {}
        for key, value in data.items():
            if key == 'after' and paired:
                masked[key] = dict((option, _masked(option, item, before.get(option), True) if option in PERSONAL_OPTIONS
                                    else redact(item)) for option, item in value.items())
            elif key in PERSONAL_OPTIONS:
                masked[key] = _masked(key, value)
            else:
                masked[key] = redact(value)
        return masked
    if isinstance(data, list):
        return [redact(item) for item in data]
    return data


def personal_values(data, found=None):
    """Every personal value in ``data`` (a result, a task's arguments) long enough to be told from a word."""
    found = set() if found is None else found
    if isinstance(data, Mapping):
        for key, value in data.items():
            if key in PERSONAL_OPTIONS:
                items = value.values() if isinstance(value, Mapping) else [value]
                found.update(str(item) for item in items if isinstance(item, (str, int, float)) and len(str(item)) >= MIN_SHOWN)
            else:
                personal_values(value, found)
    elif isinstance(data, list):
        for item in data:
            personal_values(item, found)
    return found


def _messages(data):
    if isinstance(data, Mapping):
        for key, value in data.items():
            if key == 'msg' and isinstance(value, str):
                yield value
            else:
                yield from _messages(value)
    elif isinstance(data, list):
        for item in data:
            yield from _messages(item)


def _scrubbed_messages(data, values):
    """``data`` with each message (a ``msg``: the task's, a failure's) rid of the personal ``values``: a server that
    echoes what it was sent must not carry them into the result either."""
    if isinstance(data, Mapping):
        return dict((key, _scrub(value, values) if key == 'msg' and isinstance(value, str) else _scrubbed_messages(value, values))
                    for key, value in data.items())
    if isinstance(data, list):
        return [_scrubbed_messages(item, values) for item in data]
    return data


def _scrub(text, values):
    for value in sorted(values, key=len, reverse=True):
        if value in text:
            text = text.replace(value, REDACTED)
    return text


def redacted_result(result, params=None):
    """The result a task with ``redact: true`` reports: masked, its messages rid of every personal value of the
    result and of the task's arguments ``params``, and marked ``redacted`` (the drift reports of a redacted roster
    result then redact their rows too)."""
    messages = '\0'.join(_messages(result))
    # Each value looked for once in all the messages together: a roster of 100,000 entries has as many values.
    values = [value for value in personal_values(params or {}, personal_values(result)) if value in messages] if messages else []
    return dict(redact(_scrubbed_messages(result, values) if values else result), redacted=True)
