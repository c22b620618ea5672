# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A roster entry: its options and their rules, pure (no HTTP), so the roster module, the export and
the CSV filters apply the very same ones.

An entry is one account: ``username``, any profile option of the field table
(``_users.USER_FIELDS``), ``password``, ``batches`` and ``courses`` (ids or names, as the membership
modules take them), ``expires`` and ``state``.
"""

from __future__ import annotations

from ansible.module_utils.common.validation import check_type_bool, check_type_dict, check_type_list, check_type_str

from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError
from ansible_collections.testpress.lms.plugins.module_utils._membership import BATCHES, COURSES, desired_expiry, validate_items
from ansible_collections.testpress.lms.plugins.module_utils._secrets import scrub
from ansible_collections.testpress.lms.plugins.module_utils._users import UserSpec, profile_argument_spec

ENTRY_STATES = ('present', 'absent')
MEMBERSHIP_KEYS = ('batches', 'courses')
MEMBERSHIP_KINDS = (BATCHES, COURSES)
# What an absent entry reads: anything else it carries (a full spreadsheet row marked absent) is ignored.
ABSENT_KEYS = ('username', 'state', 'password')
# Ansible's own type checks, so a value is accepted here exactly when the module's argument spec accepts it.
TYPE_CHECKS = {'str': check_type_str, 'bool': check_type_bool, 'dict': check_type_dict, 'list': check_type_list}


def entry_argument_spec():
    """The options of one roster entry (the suboptions of the roster's ``users``)."""
    spec = {
        'username': {'type': 'str'},
        'state': {'type': 'str', 'choices': list(ENTRY_STATES)},
        'password': {'type': 'str', 'no_log': True},
    }
    spec.update(profile_argument_spec())
    spec.update((key, {'type': 'list', 'elements': 'raw'}) for key in MEMBERSHIP_KEYS)
    spec['expires'] = {'type': 'str'}
    return spec


ENTRY_SPEC = entry_argument_spec()
# Every key a roster entry may have, in the order an export writes them.
ENTRY_KEYS = tuple(ENTRY_SPEC)


def typed(key, value):
    """``value`` as the argument spec types option ``key`` of an entry (``"yes"`` is true for a bool, as
    in a playbook), or an InputError naming the key; the value itself is not repeated (it may be a secret
    in the wrong column)."""
    spec = ENTRY_SPEC[key]
    try:
        value = TYPE_CHECKS[spec['type']](value)
    except (TypeError, ValueError):
        raise InputError('%s: not a %s' % (key, {'str': 'text', 'bool': 'boolean (true/false)', 'dict': 'dict',
                                                 'list': 'list'}[spec['type']])) from None
    if 'choices' in spec and value not in spec['choices']:
        raise InputError('%s: must be one of %s' % (key, ', '.join(spec['choices'])))
    return value


class FirstPassword:
    """How the roster's new accounts get their first password when their entry gives none: the task's
    ``initial_password``, or one Testpress makes (``auto_generate_password``, mailed with
    ``notify_credential``)."""

    def __init__(self, initial_password=None, auto_generate_password=False, notify_credential=False):
        self.initial_password = initial_password
        self.auto_generate_password = auto_generate_password
        self.notify_credential = notify_credential


class RosterEntry:
    """One validated roster entry: the account (a ``UserSpec``), its declared memberships, its expiry.

    An absent entry deletes the account and reads nothing else: the keys it carries besides are in
    ``ignored``. A present entry without a password gets its first password as ``first_password``
    says; that password is only ever used to create the account, whatever ``update_password`` says.
    """

    def __init__(self, position, raw, update_password='on_create', first_password=None):
        self.position = position
        self.state = raw.get('state') or 'present'
        self.items = {}
        self.expires = None
        self.ignored = []
        if self.state == 'absent':
            self.ignored = sorted(key for key, value in raw.items() if value is not None and key not in ABSENT_KEYS)
            raw = dict((key, raw.get(key)) for key in ABSENT_KEYS)
        first = first_password or FirstPassword()
        if raw.get('password'):
            self.spec = UserSpec(raw.get('username'), raw, password=raw['password'], update_password=update_password,
                                 notify_credential=first.notify_credential)
        else:
            self.spec = UserSpec(raw.get('username'), raw, password=first.initial_password,
                                 auto_generate_password=first.auto_generate_password and not first.initial_password,
                                 notify_credential=first.notify_credential)
        self.username = self.spec.username
        if self.state == 'absent':
            return
        for kind in MEMBERSHIP_KINDS:
            if raw.get(kind.option) is not None:
                self.items[kind] = validate_items(kind, raw[kind.option])
        self.expires = desired_expiry(raw.get('expires'), 'present')
        if self.expires is not None and BATCHES not in self.items:
            raise InputError('expires sets the end of the listed batch subscriptions; list the batches too')

    @property
    def label(self):
        return label(self.position, self.username)


def label(position, username=None):
    """How a message names an entry: ``users[3] (asha)``. An action plugin reading a roster file turns
    ``users[N]`` into the file and row."""
    return 'users[%d]%s' % (position, ' (%s)' % username if username else '')


def validate_entries(users, update_password='on_create', first_password=None):
    """``(entries, problems)``: the valid entries, and one line per problem of the others. The problems are
    reported with those the plan finds (unknown names), so one run names every bad entry.

    An entry's own password is scrubbed from its problem line, at any length and in any spelling: a
    shifted spreadsheet row puts a password where an email was expected.
    """
    entries, problems, seen = [], [], {}
    for position, raw in enumerate(users):
        if not isinstance(raw, dict):
            problems.append('%s: an entry must be a dict with at least a username' % label(position))
            continue
        username = raw.get('username')
        username = username.strip() if isinstance(username, str) else username
        if username in seen:
            problems.append('%s: the username is listed twice, first at %s'
                            % (label(position, username), label(seen[username])))
            continue
        seen[username] = position
        try:
            entries.append(RosterEntry(position, raw, update_password, first_password))
        except InputError as err:
            problems.append(scrub('%s: %s' % (label(position, username), err), [raw.get('password')]))
    return entries, problems


class RosterError(InputError):
    """Problems found before any write, one line each."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__('%d problem%s in the roster; nothing was changed:\n- %s'
                         % (len(problems), '' if len(problems) == 1 else 's', '\n- '.join(problems)))
