# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A saved roster plan: apply exactly what was reviewed (``testpress_roster``'s ``plan_file``).

As Terraform's ``plan -out`` and ``apply PLANFILE``: a check-mode run writes its plan (``save``); a
normal run reads it (``load``), plans afresh and applies only when the fresh plan equals the saved one
(``check``), else fails before any write naming what moved since the review.

The file (JSON, written through ``_files``: ``0600``, atomically) holds a format version, when it was
made, the institute's URL, the options that shape a plan, a salted digest of the roster, and for every
account the plan changes its state as read (``read``) and the change planned (``change``). It holds no
secret: passwords are left out of the roster's digest, and a planned password is only "set on create".
``digest`` (the result's ``plan_digest``) is a short digest of the accounts' entries: two plans with
equal digests change the same accounts from the same state in the same way.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re

from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError
from ansible_collections.testpress.lms.plugins.module_utils._files import PrivateFileError, write_private
from ansible_collections.testpress.lms.plugins.module_utils._users import PERSONAL_OPTIONS

FORMAT = 'testpress.lms roster plan'
VERSION = 2
# The options of the task that decide what its plan is; how a first password is made (a secret, or one
# Testpress makes) is not among them: a plan shows any first password only as "set on create".
PLAN_OPTIONS = ('membership', 'unlisted_users', 'protected_users', 'update_password', 'notify_credential',
                'max_removals', 'max_removals_percent', 'manage_protected')
SET_ON_CREATE = 'set on create'
SENT_AGAIN = 'sent again (update_password: always)'
DIGEST_CHARS = 16
# How many accounts a stale plan's failure names before "... and N more".
MAX_LISTED = 20
# A plan dated this far ahead of this machine's clock is another clock's, not a fresh one.
CLOCK_SKEW = 300
DURATION = re.compile(r'^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$')
UNITS = {'s': 1, 'm': 60, 'h': 3600, 'd': 86400}


def canonical(value):
    """``value`` as the one JSON text its digest is taken of: sorted keys, no spaces."""
    return json.dumps(value, sort_keys=True, separators=(',', ':'), ensure_ascii=False, default=str)


def max_age_seconds(text):
    """``plan_max_age`` (``24h``, ``90m``, ``2d``, ``3600s``) in seconds."""
    found = DURATION.match(str(text))
    if not found:
        raise InputError('plan_max_age: %r is not a duration; use a number with s, m, h or d, such as 24h or 90m' % (text,))
    return float(found.group(1)) * UNITS[found.group(2)]


def institute(url):
    """The institute's URL as plans compare it: scheme and host without case, no trailing slash."""
    text = str(url or '').strip().rstrip('/')
    found = re.match(r'^([A-Za-z][A-Za-z0-9+.-]*://)([^/]*)(.*)$', text)
    return (found.group(1).lower() + found.group(2).lower() + found.group(3)) if found else text


class RosterKey:
    """What the roster's digest is taken of: a digest of its entries, each password only as whether one is
    given, so none can be recovered from it by trying guesses. Taken entry by entry as the entries are read
    (``taking``), so that the module need not keep the entries' list to the end."""

    def __init__(self):
        self._digest = hashlib.sha256()

    def taking(self, users):
        """``users``, one at a time, each added to the key as it passes."""
        for entry in users or []:
            shown = dict(entry, password=bool(entry.get('password'))) if isinstance(entry, dict) and 'password' in entry else entry
            self._digest.update(canonical(shown).encode('utf-8') + b'\n')
            yield entry

    @property
    def value(self):
        return self._digest.hexdigest()


def roster_key(users):
    """The ``RosterKey`` of a list of entries."""
    key = RosterKey()
    for _entry in key.taking(users):
        pass
    return key.value


def roster_digest(key, salt):
    """The roster's digest as a plan holds it: its ``roster_key``, salted."""
    return hashlib.sha256((salt + key).encode('utf-8')).hexdigest()


def plan_options(params):
    """The plan-shaping options the task was given (``protected_users`` as a sorted list)."""
    options = dict((name, params[name]) for name in PLAN_OPTIONS if name in params)
    if options.get('protected_users') is not None:
        options['protected_users'] = sorted(set(options['protected_users']))
    return options


def _without_password(values, action):
    values = dict(values or {})
    if 'password' in values:
        values['password'] = SET_ON_CREATE if action == 'create' else SENT_AGAIN
    return values


def account_entry(change):
    """One account of the plan: ``read``, its state as read (the managed fields; its memberships of each
    managed kind, as names), None for an account to create; and ``change``, the change planned."""
    read = None
    if change.record is not None:
        read = dict((option, value) for option, value in change.user_plan.before.items()
                    if option not in ('username', 'password'))
        for the_plan in change.memberships.values():
            read.update(the_plan.diff(*the_plan.after())['before'])
    planned = change.report()
    planned.pop('username', None)
    for side in ('before', 'after'):
        if side in planned:
            planned[side] = _without_password(planned[side], change.action)
    if 'password' in planned.get('before', {}):
        del planned['before']['password']
    return {'username': change.username, 'read': read, 'change': planned}


def plan_digest(accounts):
    return hashlib.sha256(canonical(accounts).encode('utf-8')).hexdigest()[:DIGEST_CHARS]


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def make(url, params, key, changes, salt=None, now=None):
    """The plan of a roster run: the document a check-mode run saves, and a normal run compares."""
    salt = salt if salt is not None else os.urandom(16).hex()
    accounts = [account_entry(change) for change in changes if change.changed]
    return {
        'format': FORMAT,
        'version': VERSION,
        'created': (now or _now()).strftime('%Y-%m-%dT%H:%M:%SZ'),
        'institute': institute(url),
        'options': plan_options(params),
        'roster': {'salt': salt, 'digest': roster_digest(key, salt)},
        'digest': plan_digest(accounts),
        'accounts': accounts,
    }


def save(path, plan):
    """Write the plan to ``path``, private and whole."""
    try:
        write_private(path, json.dumps(plan, indent=1, sort_keys=True, ensure_ascii=False, default=str) + '\n')
    except PrivateFileError as err:
        raise InputError('plan_file: the plan cannot be saved: %s' % err) from None


def _age(seconds):
    hours, minutes = divmod(int(seconds) // 60, 60)
    return '%dh%02dm' % (hours, minutes)


def load(path, url, max_age, now=None):
    """The saved plan at ``path``, checked before the institute is read: ours, of this format version, for
    this institute, and no older than ``max_age`` (``plan_max_age``)."""
    limit = max_age_seconds(max_age)
    try:
        with open(path, 'rb') as handle:
            text = handle.read().decode('utf-8')
    except FileNotFoundError:
        raise InputError('plan_file: no saved plan at %s; save one with a check-mode run of this task (plan_file set), '
                         'review it, then apply it' % path) from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError('plan_file: the saved plan %s cannot be read: %s' % (path, getattr(err, 'strerror', None) or err)) from None
    try:
        plan = json.loads(text)
    except ValueError:
        plan = None
    if not isinstance(plan, dict) or plan.get('format') != FORMAT:
        raise InputError('plan_file: %s is not a testpress.lms roster plan (a file a check-mode run of '
                         'testpress.lms.testpress_roster saved)' % path)
    if plan.get('version') != VERSION:
        raise InputError('plan_file: %s is a plan of format version %r; this collection reads version %d: save the plan '
                         'again with this collection, review it, then apply it' % (path, plan.get('version'), VERSION))
    if plan.get('institute') != institute(url):
        raise InputError('plan_file: %s is a plan for %s, not for %s; apply it to the institute it was made for, or save '
                         'a plan of this one' % (path, plan.get('institute'), institute(url)))
    try:
        created = datetime.datetime.strptime(str(plan.get('created')), '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        raise InputError('plan_file: %s is not a testpress.lms roster plan (a file a check-mode run of '
                         'testpress.lms.testpress_roster saved)' % path) from None
    age = ((now or _now()) - created).total_seconds()
    if age < -CLOCK_SKEW:
        raise InputError('plan_file: %s is dated %s, ahead of this machine\'s clock; check the clocks, then save a new '
                         'plan' % (path, plan['created']))
    if age > limit:
        raise InputError('plan_file: the saved plan %s is stale: it was made %s ago (%s), more than plan_max_age=%s; the '
                         'institute moves on, so save a new plan and review it' % (path, _age(age), plan['created'], max_age))
    return plan


# ---------------------------------------------------------------- comparison

def _shown(value):
    return 'empty' if value in (None, '', [], {}) else repr(value)


def _describe(change, redact=False):
    """A planned change in a few words: ``update (last_name 'A' -> 'B'; batches added 'X')``; with ``redact``, a
    personal field by its name alone."""
    parts = []
    before = change.get('before') or {}
    for option, value in sorted((change.get('after') or {}).items()):
        if redact and option in PERSONAL_OPTIONS:
            parts.append('%s (redacted)' % option)
        elif option != 'username':
            parts.append('%s %s -> %s' % (option, _shown(before.get(option)), _shown(value)))
    for kind in ('batches', 'courses'):
        for how, names in sorted((change.get(kind) or {}).items()):
            if isinstance(names, list):
                parts.append('%s %s %s' % (kind, how.replace('_', ' '), ', '.join(repr(name) for name in names)))
    return '%s (%s)' % (change.get('action'), '; '.join(parts)) if parts else str(change.get('action'))


def _moved(key, was, now, redact):
    if redact and key in PERSONAL_OPTIONS:
        return '%s changed since the review (redacted)' % key
    return '%s was %s when reviewed, is %s now' % (key, _shown(was), _shown(now))


def _account_problem(username, reviewed, fresh, redact=False):
    """Why one account's entry of the fresh plan differs from the reviewed one; None when it does not. With
    ``redact`` (the task's option), no personal value is named."""
    if reviewed == fresh:
        return None
    if reviewed is None:
        return '%s: no change was reviewed, one is planned now: %s' % (username, _describe(fresh['change'], redact))
    if fresh is None:
        return '%s: %s was reviewed, and no change is needed now' % (username, _describe(reviewed['change'], redact))
    was, now = reviewed['read'], fresh['read']
    if was is None and now is not None:
        return '%s: did not exist when reviewed, exists now' % username
    if was is not None and now is None:
        return '%s: existed when reviewed, is gone now' % username
    moved = [_moved(key, was.get(key), now.get(key), redact) for key in sorted(set(was) | set(now))
             if was.get(key) != now.get(key)]
    if moved:
        return '%s: %s' % (username, '; '.join(moved))
    return '%s: the change reviewed was %s, the change planned now is %s' % (
        username, _describe(reviewed['change'], redact), _describe(fresh['change'], redact))


def differences(saved, fresh, redact=False):
    """What differs between the reviewed plan and the fresh one: the options, the roster, then each account
    whose state or planned change moved (sorted by username). Empty when the fresh plan may be applied."""
    found = []
    for name in sorted(set(saved.get('options') or {}) | set(fresh['options'])):
        was, now = (saved.get('options') or {}).get(name), fresh['options'].get(name)
        if was != now:
            found.append('option %s was %s when reviewed, is %s now' % (name, _shown(was), _shown(now)))
    roster = saved.get('roster') or {}
    if roster.get('digest') != fresh['roster']['digest']:
        found.append('the roster is not the one reviewed (its digest differs)')
    reviewed = dict((entry.get('username'), entry) for entry in saved.get('accounts') or [] if isinstance(entry, dict))
    planned = dict((entry['username'], entry) for entry in fresh['accounts'])
    usernames = sorted(set(reviewed) | set(planned), key=str)
    accounts = [problem for problem in (_account_problem(username, reviewed.get(username), planned.get(username), redact)
                                        for username in usernames) if problem]
    if len(accounts) > MAX_LISTED:
        accounts = accounts[:MAX_LISTED] + ['... and %d more accounts' % (len(accounts) - MAX_LISTED)]
    return found + accounts


def check(path, saved, params, url, key, changes):
    """The fresh plan of a normal run, when it equals the saved one; else fail before any write naming what
    moved since the review. The roster's digest is taken with the saved plan's salt, to compare."""
    fresh = make(url, params, key, changes, salt=str((saved.get('roster') or {}).get('salt', '')))
    moved = differences(saved, fresh, redact=bool(params.get('redact')))
    if moved:
        raise InputError('plan_file: the saved plan %s is stale: the institute, the roster or the options changed since '
                         'it was reviewed, so nothing was written:\n- %s\nSave a new plan, review it, then apply it'
                         % (path, '\n- '.join(moved)))
    return fresh


# ---------------------------------------------------------------- the task's two ends

def before_reading(params, url, check_mode):
    """A normal run's saved plan, loaded and checked before the institute is read; None without
    ``plan_file`` or in check mode (where ``plan_max_age`` is still checked)."""
    if not params.get('plan_file'):
        return None
    if check_mode:
        max_age_seconds(params['plan_max_age'])
        return None
    return load(params['plan_file'], url, params['plan_max_age'])


def after_planning(params, url, key, changes, saved, check_mode):
    """``plan_digest`` of the run's plan, once check mode has saved it or a normal run has found it equal to
    the saved one (failing before any write when not); None without ``plan_file``."""
    if not params.get('plan_file'):
        return None
    if check_mode:
        plan = make(url, params, key, changes)
        save(params['plan_file'], plan)
        return plan['digest']
    return check(params['plan_file'], saved, params, url, key, changes)['digest']
