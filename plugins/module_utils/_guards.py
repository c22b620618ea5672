# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The roster's guards, pure: whom a roster may never sweep or take over, and how much one run may remove.

- **Staff marks** (``unmarked``): whether the user list says which accounts run the institute. The
  preflight's ``staff_marked`` check and the roster's sweep decide by the same function.
- **Protection** (``Protection``): the accounts a roster task may not sweep: the login account
  (``api_username``), the owner of ``api_token``, ``protected_users`` and staff. Usernames are compared as
  the server compares them, trimmed. None of them is deactivated or deleted as unlisted, and a roster entry
  changes none of them in the fields that hand an account over (``TAKEOVER_FIELDS``) unless
  ``manage_protected`` says so.
- **The removal guard** (``guard_removals``): a plan that removes more than ``max_removals`` in all, or more
  active accounts than ``max_removals_percent`` of the institute's active accounts, fails before any write,
  naming the accounts and every limit it passes, with the value that would let it through.
"""

from __future__ import annotations

import base64
import json
import math

from ansible_collections.testpress.lms.plugins.module_utils._entry import RosterError
from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError

# The fields by which the user list tells the accounts that run the institute, which the roster never sweeps.
STAFF_FIELDS = ('is_staff', 'is_superuser')
# What a roster entry may not change on an account the task may not sweep (the API's names), unless
# manage_protected: whoever holds its email, phone or password holds the account.
TAKEOVER_FIELDS = ('email', 'phone', 'username', 'password', 'is_active', 'is_blocked')
# The accounts a guard's message names before "... and N more".
NAMED = 20
REMOVED = {'delete': 'deleted', 'deactivate': 'deactivated'}


def server_name(name):
    """A username as the server compares it: Django REST framework trims text, so ``'admin '`` is ``admin``."""
    return name.strip() if isinstance(name, str) else name


def unmarked(records):
    """The first account that says neither whether it is staff nor whether it is an admin (no ``is_staff``,
    no ``is_superuser`` key), or None when every one says. A list with such an account does not tell who runs
    the institute: "unknown", never "no staff"."""
    return next((record for record in records if not any(field in record for field in STAFF_FIELDS)), None)


def is_staff(record):
    return any(record.get(field) for field in STAFF_FIELDS)


def token_claims(token):
    """The claims of a JWT's payload (not verified: they only name the account to protect), or {}."""
    try:
        payload = token.split('.')[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + '=' * (-len(payload) % 4)).decode('utf-8'))
    except (AttributeError, IndexError, ValueError, UnicodeDecodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


def _text(value):
    value = server_name(value)
    return value if isinstance(value, str) and value else None


class Protection:
    """The accounts a roster task may not sweep or take over.

    The token's owner is the account ``GET /api/v2.2/me/`` names (``me``), else the token's ``username``
    claim when it is text, else the account whose id is its ``user_id`` claim or whose email is its
    ``email`` claim (``resolve``, once the accounts are read). The token's ``username`` claim may be the
    account's id, a number (the Admin API's own example token).
    """

    def __init__(self, params, me=None):
        self.listed = set(server_name(name) for name in params.get('protected_users') or [])
        # An explicit protected_users (even []) says who the other staff are; left out, nobody has said.
        self.given = params.get('protected_users') is not None
        self.login = _text(params.get('api_username'))
        self.token = bool(params.get('api_token'))
        claims = token_claims(params.get('api_token')) if self.token else {}
        self.owner = _text(me.get('username')) if isinstance(me, dict) else None
        self.owner = self.owner or _text(claims.get('username'))
        user_id = claims.get('user_id')
        self.owner_id = user_id if isinstance(user_id, int) and not isinstance(user_id, bool) else None
        self.owner_email = claims['email'].strip().casefold() if isinstance(claims.get('email'), str) else None

    def resolve(self, accounts):
        """Find the token's owner among ``accounts`` (``{username: record}``) when only its id or email is known."""
        if self.token and self.owner is None:
            by_id = [name for name, record in accounts.items() if self.owner_id is not None and record.get('id') == self.owner_id]
            by_email = [name for name, record in accounts.items()
                        if self.owner_email and str(record.get('email') or '').strip().casefold() == self.owner_email]
            found = by_id or by_email
            self.owner = found[0] if len(found) == 1 else None
        return self

    @property
    def logins(self):
        """The accounts the task acts as."""
        return set(name for name in (self.login, self.owner if self.token else None) if name)

    def owner_unknown(self):
        return self.token and self.owner is None

    def why(self, username, record=None):
        """Why the task may not sweep ``username`` (its words), or None when it may."""
        if username == self.login:
            return 'the account this task logs in with, api_username'
        if self.token and username == self.owner:
            return 'the owner of api_token'
        if username in self.listed:
            return 'listed in protected_users'
        if record is not None and is_staff(record):
            return 'a staff or admin account'
        return None

    def never_removed(self, username):
        """The login accounts and protected_users: never deleted, deactivated or blocked by the roster."""
        return username in self.logins or username in self.listed


def check_sweep(protection, accounts, unlisted_users):
    """Fail before any write when the roster cannot tell whom an unlisted sweep must spare."""
    if unlisted_users == 'ignore':
        return
    if protection.owner_unknown():
        raise InputError('unlisted_users=%s needs to know the account api_token belongs to, to protect it: GET '
                         '/api/v2.2/me/ does not name it, the token\'s username claim is not a name, and its user_id and '
                         'email claims match no account of the institute; log in with api_username and api_password '
                         'instead of api_token' % unlisted_users)
    record = unmarked(accounts.values())
    if record is not None and not protection.given:
        raise InputError('unlisted_users=%s: the user list does not say which accounts are staff (account %r has '
                         'neither is_staff nor is_superuser; the preflight reports it as check staff_marked), so the '
                         'roster cannot spare the accounts that run the institute; list every staff account in '
                         'protected_users (protected_users: [] says there is no staff besides the login account)'
                         % (unlisted_users, record.get('username')))


def check_entry(protection, username, record, user_plan, locks_out, manage_protected):
    """An entry's change to an account the task may not sweep: a deletion, a lockout, or a takeover field
    (``TAKEOVER_FIELDS``) changed; an InputError naming why the account is protected, or None."""
    if protection.never_removed(username):
        why = protection.why(username, record)
        if user_plan.action == 'delete':
            raise InputError('is protected (%s); it is never deleted' % why)
        if locks_out:
            raise InputError('is protected (%s); it is never deactivated or blocked' % why)
    why = protection.why(username, record) if record is not None else None
    if why is None or manage_protected:
        return
    if user_plan.action == 'delete':
        raise InputError('is protected (%s); a roster entry deletes it only with manage_protected: true' % why)
    body = user_plan.body or {}
    fields = [field for field in TAKEOVER_FIELDS if field in body and (field != 'username' or body[field] != record.get('username'))]
    if fields:
        raise InputError('is protected (%s); the entry would change its %s, which a roster changes on such an account '
                         'only with manage_protected: true' % (why, ', '.join(fields)))


class GuardError(RosterError):
    """A plan the removal guard stops: ``changes`` is the plan, ``report`` the guard's figures."""

    def __init__(self, message, changes, report):
        self.changes = changes
        self.report = report
        super().__init__([message])


def _needed_percent(removed, active):
    """The least max_removals_percent that lets ``removed`` of ``active`` accounts go."""
    return next((percent for percent in range(101) if math.ceil(percent * active / 100.0) >= removed), 100)


def _named(changes, today):
    """Each account the plan takes something from, and what: the first ``NAMED``, then how many more."""
    named = []
    for change in changes:
        what = [REMOVED.get(change.action, 'locked out')] if change.removes_account(today) else []
        memberships = sum(len(the_plan.remove) for the_plan in change.memberships.values())
        if memberships:
            what.append('%d membership%s' % (memberships, '' if memberships == 1 else 's'))
        if what:
            named.append('%s (%s)' % (change.username, ', '.join(what)))
    more = len(named) - NAMED
    return ', '.join(named[:NAMED]) + (' … and %d more' % more if more > 0 else '')


def guard_removals(changes, accounts, options):
    """Fail before any write (``GuardError``) when the plan takes away more than the guard allows: more than
    ``max_removals`` in all (accounts deleted, deactivated or locked out, and memberships removed), or more
    active accounts than ``max_removals_percent`` of the institute's active accounts (rounded up; inactive
    accounts count in neither). One bad roster file must not wipe a small institute either."""
    today = options['today']
    removals = sum(change.removals(today) for change in changes)
    gone = [change for change in changes if change.removes_account(today)]
    active = sum(1 for record in accounts.values() if record.get('is_active') is not False)
    active_gone = sum(1 for change in gone if (change.record or {}).get('is_active') is not False)
    share = math.ceil(options['max_removals_percent'] * active / 100.0)
    exceeded, limits = [], []
    if removals > options['max_removals']:
        exceeded.append({'option': 'max_removals', 'limit': options['max_removals'], 'needed': removals})
        limits.append('more than max_removals=%d (raise it to %d)' % (options['max_removals'], removals))
    if active_gone > share:
        needed = _needed_percent(active_gone, active)
        exceeded.append({'option': 'max_removals_percent', 'limit': options['max_removals_percent'], 'needed': needed})
        limits.append('more active accounts (%d) than max_removals_percent=%d allows (%d of the institute\'s %d active '
                      'accounts; raise it to %d)' % (active_gone, options['max_removals_percent'], share, active, needed))
    if not exceeded:
        return
    counts = dict((action, sum(1 for change in gone if change.action == action)) for action in REMOVED)
    report = {'removals': removals, 'deleted': counts['delete'], 'deactivated': counts['deactivate'],
              'locked_out': len(gone) - counts['delete'] - counts['deactivate'],
              'memberships_removed': removals - len(gone), 'exceeded': exceeded}
    message = ('the roster would remove %d (%d accounts deleted, %d deactivated, %d locked out, %d memberships removed), '
               '%s; from %s; check the roster file, or raise %s on purpose for this run'
               % (removals, report['deleted'], report['deactivated'], report['locked_out'], report['memberships_removed'],
                  ' and '.join(limits), _named(changes, today), ' and '.join(item['option'] for item in exceeded)))
    raise GuardError(message, changes, report)
