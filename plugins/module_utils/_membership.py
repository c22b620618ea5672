# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Memberships: the set of things a user has (batches, courses), brought to a declared list.

One engine for every kind, parameterised by a ``Kind`` (what a string item may equal, what a
result entry shows, whether subscriptions carry an expiry):

- ``validate_items`` / ``desired_expiry``: the task's input, checked before anything is read.
- ``Catalogue``: names to records through the API's search (every page), picking the *exact*
  match (the search matches substrings: ``UPSC`` must not pick ``UPSC Morning Batch``); ids the
  search did not return are read one by one. Every problem is reported at once, before any write.
- ``plan``: pure set arithmetic from the current members, the declared items and ``state``.
- ``Plan.calls``: at most one add call and one remove call, never one with an empty list;
  ``Plan.send`` makes them, recovering a call whose outcome is unknown (``_recovery``).
"""

from __future__ import annotations

import difflib
import sys
import types

from ansible_collections.testpress.lms.plugins.module_utils import _dates
from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError, TestpressError
from ansible_collections.testpress.lms.plugins.module_utils._recovery import until_done

STATES = ('present', 'absent', 'exact')
# How many near misses an "unknown name" error lists.
MAX_CANDIDATES = 8
# How many spellings a "did you mean" offers, and how alike they must be (difflib's ratio).
MAX_SUGGESTIONS = 3
SUGGESTION_CUTOFF = 0.6


class Kind:
    """What one kind of membership calls things.

    ``option`` is both the module option and the API's name for the list (``batches``);
    ``name_fields`` are the fields a string item must equal exactly (a batch's ``name``; a
    course's ``title`` or ``slug``), the first being the item's display name; ``extra_fields``
    are copied into the result entries; ``has_expiry``: the subscriptions carry an end date.
    """

    def __init__(self, option, singular, name_fields, extra_fields=(), has_expiry=False):
        self.option = option
        self.singular = singular
        self.name_fields = name_fields
        self.extra_fields = extra_fields
        self.has_expiry = has_expiry

    def name(self, record):
        value = record.get(self.name_fields[0])
        return '' if value is None else str(value)

    def matches(self, record, text):
        return any(record.get(field) == text for field in self.name_fields)

    def describe(self, record):
        """``'TD' (slug td, id 282)``: enough to tell two same-named items apart."""
        details = ['%s %s' % (field, record.get(field)) for field in self.name_fields[1:]]
        details.append('id %s' % record.get('id'))
        return '%r (%s)' % (self.name(record), ', '.join(details))

    def slim(self, record):
        """What the plans and their reports use of an item (its id, names and ``extra_fields``), without the rest
        of the API's record (descriptions, images, dates): a roster keeps one per item, shared by its members."""
        return dict((field, record[field]) for field in ('id',) + self.name_fields + self.extra_fields if field in record)

    def brief(self, record):
        """``{id, name}``: an entry of ``added``, ``removed`` and ``updated``."""
        return {'id': record['id'], 'name': self.name(record)}

    def entry(self, record, expiries):
        """An entry of the membership the module returns."""
        entry = self.brief(record)
        for field in self.extra_fields:
            entry[field] = record.get(field)
        if self.has_expiry:
            entry['expires'] = expiries.get(record['id'])
        return entry

    def label(self, record, expiries, with_expiry):
        """One line of the diff: the name, and the expiry when ``expires`` is managed."""
        name = self.name(record)
        if not with_expiry:
            return name
        expiry = expiries.get(record['id'])
        return '%s (expires %s)' % (name, expiry) if expiry else '%s (no expiry)' % name


BATCHES = Kind('batches', 'batch', ('name',), has_expiry=True)
COURSES = Kind('courses', 'course', ('title', 'slug'), extra_fields=('title', 'slug'))
KINDS = dict((kind.option, kind) for kind in (BATCHES, COURSES))


# ---------------------------------------------------------------- input

def validate_items(kind, items):
    """The declared items, checked: an int is an id, a str a name; anything else is an error.

    A numeric string such as ``"42"`` is a name, never an id. Names are stripped of surrounding
    blanks (the API trims the names it stores). Every bad item is named in one error.
    """
    option = kind.option
    if not isinstance(items, list):
        raise InputError('%s must be a list of %s ids (integers) or names (strings)' % (option, kind.singular))
    clean, problems = [], []
    for position, item in enumerate(items, 1):
        if isinstance(item, bool) or not isinstance(item, (int, str)):
            problems.append('item %d (%r) is a %s, not a %s id (integer) or name (string)'
                            % (position, item, type(item).__name__, kind.singular))
        elif isinstance(item, int) and item <= 0:
            problems.append('item %d (%d) is not a valid %s id' % (position, item, kind.singular))
        elif isinstance(item, str) and not item.strip():
            problems.append('item %d is an empty name' % position)
        else:
            # Interned: a roster's 100,000 entries name the same few batches, each name then held once.
            clean.append(sys.intern(item.strip()) if isinstance(item, str) else item)
    if problems:
        raise InputError('%s: %s' % (option, '; '.join(problems)))
    return clean


def desired_expiry(value, state):
    """``expires`` as an ISO date string (either spelling taken), or None when not managed."""
    if value is None:
        return None
    if state == 'absent':
        raise InputError('expires cannot be used with state=absent: it sets the end of the listed subscriptions')
    if not str(value).strip():
        raise InputError('expires: an empty value is not a date; use YYYY-MM-DD or DD/MM/YYYY, or leave expires out to keep the end dates')
    return _dates.desired('expires', value)


def read_expiry(value):
    """A subscription's ``expires`` as the API reads it (a date, a timestamp or null) as YYYY-MM-DD or None."""
    if value in (None, ''):
        return None
    return _dates.read(value) or str(value).strip()


# ---------------------------------------------------------------- names -> records

def pick(kind, text, found):
    """The one record in ``found`` (search results) that ``text`` names exactly, and None;
    or None and the problem, naming the item and the close candidates."""
    exact = []
    for record in found:
        if kind.matches(record, text) and record['id'] not in [match['id'] for match in exact]:
            exact.append(record)
    if len(exact) == 1:
        return exact[0], None
    if exact:
        return None, ('%r names %d %s: %s; list the id instead'
                      % (text, len(exact), kind.option, ', '.join(kind.describe(record) for record in exact)))
    problem = 'no %s named %r' % (kind.singular, text)
    close = sorted(set(kind.name(record) for record in found))
    if close:
        more = ', ...' if len(close) > MAX_CANDIDATES else ''
        problem += ' (close candidates: %s%s)' % (', '.join(repr(name) for name in close[:MAX_CANDIDATES]), more)
    return None, problem


class Catalogue:
    """One kind's catalogue as the API answers it, asked once per name and once per unknown id."""

    def __init__(self, api, kind):
        self.api = api
        self.kind = kind
        self._by_id = {}
        self._searches = {}
        self._resolved = {}

    def remember(self, records):
        """Records already read (the current members, search results): their ids need no lookup."""
        for record in records:
            self._by_id.setdefault(record['id'], record)

    def search(self, text):
        if text not in self._searches:
            self._searches[text] = self.api.search_catalogue(self.kind.option, text)
            self.remember(self._searches[text])
        return self._searches[text]

    def closest(self, text):
        """`` (did you mean 'X'?)`` from the whole catalogue, read once, for a name its search did not find."""
        names = set()
        for record in self.search(''):
            names.update(str(record.get(field)) for field in self.kind.name_fields if record.get(field))
        close = difflib.get_close_matches(text, sorted(names), MAX_SUGGESTIONS, SUGGESTION_CUTOFF)
        close = [name for name in sorted(names) if name.casefold() == text.casefold()] or close
        return ' (did you mean %s?)' % ' or '.join(repr(name) for name in close) if close else ''

    def by_id(self, item_id):
        """The record with this id, or None when the API has no such item."""
        if item_id not in self._by_id:
            try:
                self._by_id[item_id] = self.api.get_catalogue_item(self.kind.option, item_id)
            except TestpressError as err:
                if err.status == 404:
                    return None
                raise
        return self._by_id[item_id]

    def resolve(self, items):
        """The records the items name, each once, in the order declared, as a tuple; every problem in one error.
        The same items resolve to the same tuple: a roster's 100,000 students name a few hundred combinations."""
        key = tuple(items)
        if key in self._resolved:
            return self._resolved[key]
        records, problems = [], []
        for item in items:
            if isinstance(item, int):
                record = self.by_id(item)
                problem = None if record else 'no %s with id %d' % (self.kind.singular, item)
            else:
                found = self.search(item)
                record, problem = pick(self.kind, item, found)
                if record is None and not found:
                    problem += self.closest(item)
            if problem:
                problems.append(problem)
            elif record['id'] not in [known['id'] for known in records]:
                records.append(record)
        if problems:
            raise InputError('%s: %s' % (self.kind.option, '; '.join(problems)))
        return self._resolved.setdefault(key, tuple(records))


# ---------------------------------------------------------------- the plan

NO_EXPIRIES = types.MappingProxyType({})


def _ids(records):
    return [record['id'] for record in records]


class Plan:
    """What it takes to bring one user's membership of one kind to its declared state.

    ``add``: records to add; ``remove``: records to remove; ``refresh``: records held whose
    expiry differs from ``expires``. ``current``/``expiries``: the membership before.
    ``state`` and ``declared`` are kept to plan again from a fresh read (``send``).
    ``sent_with_create``: the adds travel in the create call of a new account (``_roster``).
    """

    __slots__ = ('sent_with_create', 'kind', 'state', 'declared', 'current', 'expiries', 'add', 'remove', 'refresh',
                 'expires')

    def __init__(self, kind, current, expiries, add, remove, refresh, expires, state=None, declared=()):
        self.sent_with_create = False
        self.kind = kind
        self.state = state
        self.declared = tuple(declared)
        self.current = current
        self.expiries = expiries
        self.add = add
        self.remove = remove
        self.refresh = refresh
        self.expires = expires

    @property
    def changed(self):
        return bool(self.add or self.remove or self.refresh)

    def calls(self, user_id):
        """``(api method name, args)``, at most one that adds and one that removes, none empty.

        With ``expires``, the add call is the subscriptions call: it adds the missing items with
        that expiry and sets it on the held ones whose expiry differs, in one request.
        """
        calls = []
        if self.expires is not None and (self.add or self.refresh):
            calls.append(('add_subscriptions', (user_id, _ids(self.add + self.refresh), self.expires)))
        elif self.add:
            calls.append(('add_members', (self.kind.option, user_id, _ids(self.add))))
        if self.remove:
            calls.append(('remove_members', (self.kind.option, user_id, _ids(self.remove))))
        return calls

    def send(self, api, user_id):
        """Make the calls. A call whose outcome is unknown is not repeated as it was: it may have been
        applied, and adding what is held or removing what is not is refused. The membership is read
        again and only the calls still needed are sent (``_recovery.until_done``)."""
        if self.sent_with_create:
            return
        pending = [self]

        def send_pending():
            for name, args in pending[0].calls(user_id):
                getattr(api, name)(*args)

        def read_back():
            current, expiries = read_membership(api, self.kind, user_id, with_expiry=self.expires is not None)
            pending[0] = plan(self.kind, self.state, current, self.declared, self.expires, expiries)
            return not pending[0].changed, None

        until_done(api.client, send_pending, read_back)

    def apply(self, api, user_id):
        """Make the calls, then read the membership back: ``(records, expiries)`` as the server has them."""
        self.send(api, user_id)
        return read_membership(api, self.kind, user_id)

    def predicted(self):
        """What check mode reports: the membership the plan leads to."""
        return self.after()

    def after(self):
        """The membership and expiries the plan leads to."""
        gone = _ids(self.remove)
        records = [record for record in self.current if record['id'] not in gone] + self.add
        expiries = dict((item_id, expiry) for item_id, expiry in self.expiries.items() if item_id not in gone)
        for record in self.add + self.refresh:
            expiries[record['id']] = self.expires
        return records, expiries

    def diff(self, records_after, expiries_after):
        """``before``/``after``: ``{option: sorted names}``, each name with its expiry when ``expires`` is managed.

        A dict, not a bare list: Ansible's diff display renders dicts and strings only.
        """
        with_expiry = self.kind.has_expiry and self.expires is not None

        def labels(records, expiries):
            return {self.kind.option: sorted(self.kind.label(record, expiries, with_expiry) for record in records)}

        return {'before': labels(self.current, self.expiries), 'after': labels(records_after, expiries_after)}


def plan(kind, state, current, declared, expires=None, expiries=None):
    """Pure set arithmetic: ``present`` adds the missing; ``absent`` removes the listed ones held;
    ``exact`` adds the missing and removes the unlisted. With ``expires``, held listed items whose
    expiry differs are refreshed."""
    if state not in STATES:
        raise InputError('state must be one of %s, got %r' % (', '.join(STATES), state))
    # Read-only from here: a roster's accounts share their membership answers (``_roster.SharedItems``).
    expiries = expiries or NO_EXPIRIES
    held = set(_ids(current))
    wanted = set(_ids(declared))
    add, remove, refresh = [], [], []
    if state == 'absent':
        remove = [record for record in declared if record['id'] in held]
    else:
        add = [record for record in declared if record['id'] not in held]
        if state == 'exact':
            remove = [record for record in current if record['id'] not in wanted]
        if expires is not None:
            refresh = [record for record in declared if record['id'] in held and expiries.get(record['id']) != expires]
    return Plan(kind, tuple(current), expiries, add, remove, refresh, expires if state != 'absent' else None,
                state, declared)


# ---------------------------------------------------------------- one user, one kind

def read_membership(api, kind, user_id, with_expiry=True):
    """The user's items of this kind (every page) and, for batches with ``with_expiry``, their expiries by id."""
    current = api.list_members(kind.option, user_id)
    expiries = {}
    if kind.has_expiry and with_expiry:
        for subscription in api.list_subscriptions(user_id):
            batch = subscription.get('batch') or {}
            if batch.get('id') is not None:
                expiries[batch['id']] = read_expiry(subscription.get('expires'))
    return current, expiries
