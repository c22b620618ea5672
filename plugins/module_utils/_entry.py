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

import difflib
import json
import re

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
# How a spreadsheet may head a key's column besides the key itself, compared folded (``fold``: case, blanks,
# hyphens and underscores do not count, so ``First Name`` and ``E-mail`` need no line here). The one table of
# header spellings: the CSV filters read it, and so may the docs. ``State`` is a person's state: it is the
# column of ``state`` (present/absent) when a cell of it says present or absent. No ``User ID``: a
# spreadsheet's id column holds numbers, which must not become usernames.
KEY_ALIASES = {
    'username': ('User', 'Login'),
    'first_name': ('Given Name',),
    'last_name': ('Surname', 'Family Name'),
    'email': ('Mail', 'Email Address', 'Email ID', 'Mail ID'),
    'birth_date': ('Date of Birth', 'DOB', 'Birthday'),
    'phone': ('Mobile', 'Mobile Number', 'Mobile No', 'Phone Number', 'Phone No', 'Contact Number', 'Telephone'),
    'address1': ('Address', 'Address Line 1'),
    'address2': ('Address Line 2',),
    'zip': ('PIN', 'PIN Code', 'Postal Code', 'ZIP Code', 'Postcode'),
    'state_code': ('State', 'State Name', 'Province'),
    'is_active': ('Active',),
    'is_blocked': ('Blocked',),
    'batches': ('Batch',),
    'courses': ('Course',),
    'expires': ('Valid Until', 'Valid Till', 'Expiry', 'Expiry Date', 'Expires On', 'End Date'),
}
# What a message may quote of an entry: its username and the names of its batches and courses. Any other value
# (an email, a date, a state code) may be a password a shifted spreadsheet row put there.
SHOWN_KEYS = ('username', 'batches', 'courses')
QUOTED_VALUE = re.compile(r"'(?:[^'\\]|\\.)*'" + r'|"(?:[^"\\]|\\.)*"')


def fold(text):
    """A header or key as headers are compared: without case, blanks, hyphens and underscores."""
    return re.sub(r'[\s_\-]+', '', text).casefold()


# Every folded spelling of a key: the key itself and its aliases (``state`` being also ``state_code``'s alias).
KEY_OF_SPELLING = dict((fold(alias), key) for key, aliases in KEY_ALIASES.items() for alias in aliases)
KEY_OF_SPELLING.update((fold(key), key) for key in ENTRY_KEYS)


def closest_key(text, keys=ENTRY_KEYS):
    """The key of ``keys`` closest to ``text`` (a misspelt key or header), or None."""
    spellings = dict((spelling, key) for spelling, key in KEY_OF_SPELLING.items() if key in keys)
    close = difflib.get_close_matches(fold(text), list(spellings), n=1, cutoff=0.75)
    return spellings[close[0]] if close else None


def without_values(message):
    """A problem with an entry's value, quoting no value unless of a key whose values may be shown (a batch's
    name); the key is what the message starts with (``email: '...' is not an email address``)."""
    key = next((key for key in ENTRY_KEYS if message.startswith(key + ':') or message.startswith(key + ' ')), None)
    return message if key in SHOWN_KEYS else QUOTED_VALUE.sub('the value', message)


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
    if 'choices' in spec:
        # A spreadsheet may write a choice in any case (ABSENT), as it writes a boolean (TRUE).
        value = next((choice for choice in spec['choices'] if choice == value.strip().lower()), value)
        if value not in spec['choices']:
            raise InputError('%s: must be one of %s' % (key, ', '.join(spec['choices'])))
    return value


def checked_entry(raw):
    """``(entry, problems)``: ``raw`` with each value typed as the roster's argument spec types it (``typed``),
    and one line per key that is not an entry key (with the closest key) or value of the wrong type, naming the
    key and never the value. What Ansible would refuse of an entry, said by the collection on the controller."""
    if not isinstance(raw, dict):
        return raw, ['an entry must be a dict with at least a username']
    entry, problems = {}, []
    for key, value in raw.items():
        if key not in ENTRY_SPEC:
            close = closest_key(str(key))
            problems.append('not a roster entry key: %s%s' % (key, ' (did you mean %s?)' % close if close else ''))
        elif value is None:
            entry[key] = value
        else:
            try:
                entry[key] = typed(key, value)
            except InputError as err:
                problems.append(str(err))
    return entry, problems


# The file in which the roster's action plugin gives the module the entries of a roster file (``src``), in the
# task's temporary directory: a checked entry (``checked_entry``) a line, as JSON. As the module's arguments,
# 100,000 entries were copied several times over by Ansible on both sides; a file is written and read a line
# at a time.
ENTRIES_FILE = 'testpress-roster-entries.jsonl'


def entry_lines(entries):
    """The text of an entries file holding ``entries``, a line at a time."""
    for entry in entries:
        yield json.dumps(entry, ensure_ascii=False, default=str) + '\n'


def read_entry_lines(path):
    """The entries of an entries file (``entry_lines``), a line at a time, each checked again and with every
    entry key, as Ansible's validation of ``users`` gives them. A line quoted in no message: it may hold a
    password."""
    try:
        handle = open(path, encoding='utf-8')
    except OSError as err:
        raise InputError('src: the entries the testpress_roster action wrote to %s cannot be read: %s'
                         % (path, err.strerror)) from None
    with handle:
        for number, line in enumerate(handle, 1):
            try:
                raw = json.loads(line)
            except ValueError:
                raw = None
            entry, problems = checked_entry(raw)
            if problems:
                raise InputError('src: line %d of %s is not an entry as the testpress_roster action writes it (%s); '
                                 'give the roster file as src to the testpress.lms.testpress_roster task, or its '
                                 'entries as users' % (number, path, '; '.join(problems)))
            yield dict(dict.fromkeys(ENTRY_KEYS), **entry)


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

    __slots__ = ('position', 'state', 'items', 'expires', 'ignored', 'spec', 'username')

    def __init__(self, position, raw, update_password='on_create', first_password=None):
        self.position = position
        self.state = raw.get('state') or 'present'
        self.items = {}
        self.expires = None
        self.ignored = ()
        if self.state == 'absent':
            self.ignored = sorted(key for key, value in raw.items() if value not in (None, []) and key not in ABSENT_KEYS)
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
                self.items[kind] = tuple(validate_items(kind, raw[kind.option]))
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

    A problem line quotes no value but a username or a batch's or course's name (``without_values``), and an
    entry's own password is scrubbed from it at any length and in any spelling: a shifted spreadsheet row puts a
    password where an email was expected.
    """
    entries, problems, seen, declared = [], [], {}, {}
    for position, raw in enumerate(users):
        if not isinstance(raw, dict):
            problems.append('%s: an entry must be a dict with at least a username' % label(position))
            continue
        username = raw.get('username')
        username = username.strip() if isinstance(username, str) else username
        # Only a text username can be listed twice; any other (a list, a number) is refused by RosterEntry below.
        if isinstance(username, str):
            if username in seen:
                problems.append('%s: the username is listed twice, first at %s'
                                % (label(position, username), label(seen[username])))
                continue
            seen[username] = position
        try:
            entry = RosterEntry(position, raw, update_password, first_password)
            # 100,000 students name a few hundred combinations of batches and courses: each is held once.
            entry.items = declared.setdefault(tuple((kind.option, items) for kind, items in entry.items.items()), entry.items)
            entries.append(entry)
        except InputError as err:
            problems.append(scrub('%s: %s' % (label(position, username), without_values(str(err))), [raw.get('password')]))
    return entries, problems


def problems_message(problems):
    """The one message of a roster's problems found before any write, one line each."""
    return ('%d problem%s in the roster; nothing was changed:\n- %s'
            % (len(problems), '' if len(problems) == 1 else 's', '\n- '.join(problems)))


class RosterError(InputError):
    """Problems found before any write, one line each."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__(problems_message(problems))
