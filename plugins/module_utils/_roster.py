# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The roster: a whole institute's accounts and memberships brought to a declared list in one task.

The entries are validated by ``_entry``; three phases follow, each built on the single-account and
membership code rather than a copy of it:

- **read** (``read_accounts``, ``read_memberships``, ``resolve_names``): the user list, its pages in
  parallel; each user's batches from the list's embedded copy unless it may be cut; per-user reads only
  for what the roster manages and the list does not carry; each distinct name searched once.
- **plan** (``plan_roster``): every entry's change, every name resolved, the removal guard applied; any
  problem fails the task before the first write, naming each entry. The result is a ``RosterPlan``.
- **apply** (``RosterPlan.apply``): a pool of workers over the shared client, each user's calls in their
  natural order (create, update-only fields, memberships). One failed user does not stop the others.
  In check mode the module base reports ``RosterPlan.predicted()`` instead.
"""

from __future__ import annotations

import datetime
import re
import sys
import types

from ansible_collections.testpress.lms.plugins.module_utils._entry import MEMBERSHIP_KINDS, RosterError
from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError, TestpressError
from ansible_collections.testpress.lms.plugins.module_utils._guards import Protection, check_entry, check_sweep, guard_removals
from ansible_collections.testpress.lms.plugins.module_utils._journal import account as journal_account
from ansible_collections.testpress.lms.plugins.module_utils._membership import (
    BATCHES,
    Catalogue,
    plan as membership_plan,
    read_membership,
)
from ansible_collections.testpress.lms.plugins.module_utils._parallel import in_parallel
from ansible_collections.testpress.lms.plugins.module_utils._progress import SILENT
from ansible_collections.testpress.lms.plugins.module_utils._secrets import scrub
from ansible_collections.testpress.lms.plugins.module_utils._users import UserPlan, UserSpec, account_view, plan_absent, plan_present

# The user list embeds each user's batches; a list this long may have been cut at a page.
EMBEDDED_BATCHES_LIMIT = 20
MAX_CONCURRENCY = 32


# ---------------------------------------------------------------- read

# Values thousands of an institute's students have alike (where they live, when they were born): held once.
SHARED_VALUES = ('state', 'state_code', 'city', 'zip', 'birth_date')


class SharedItems:
    """One copy of each batch and course a run meets, cut to what the plans use (``Kind.slim``), and of each
    membership read: every account's membership holds references to them. 100,000 students in 30 batches then
    hold 30 batch records and memberships, not 100,000 copies of the API's."""

    def __init__(self):
        self._known = {}

    def records(self, kind, records):
        return [self._known.setdefault((kind.option, record['id']), kind.slim(record)) for record in records]

    def membership(self, kind, answer):
        """``read_membership``'s ``(records, expiries)``, shared: the accounts holding the same items with the same
        expiries hold one answer (read-only: a plan copies what it changes)."""
        records = self.records(kind, answer[0])
        expiries = answer[1]
        key = ('membership', kind.option, tuple(record['id'] for record in records), tuple(sorted(expiries.items())))
        return self._known.setdefault(key, (records, expiries))

    def account(self, record):
        """``account_view`` of a user list record, its embedded batches and its ``SHARED_VALUES`` shared."""
        kept = account_view(record)
        for key in SHARED_VALUES:
            if isinstance(kept.get(key), str):
                kept[key] = sys.intern(kept[key])
        if isinstance(kept.get('batches'), list) and all(isinstance(item, dict) and 'id' in item for item in kept['batches']):
            kept['batches'] = self.records(BATCHES, kept['batches'])
        return kept


def read_accounts(api, concurrency, progress=SILENT, shared=None):
    """Every account on the institute by username, the list's pages read in parallel, each kept as the plan
    needs it (``SharedItems.account``)."""
    shape = (shared or SharedItems()).account
    return dict((record['username'], record) for record in api.list_users(workers=concurrency, shape=shape, progress=progress))


def embedded_batches(record):
    """The batches the user list carries for this user, or None when they may be incomplete."""
    embedded = record.get('batches')
    if isinstance(embedded, list) and len(embedded) < EMBEDDED_BATCHES_LIMIT:
        return embedded
    return None


def read_memberships(api, wanted, concurrency, progress=SILENT, shared=None):
    """``wanted``: ``(record, kind, with_expiry)`` triples. Returns ``{(username, option): (records, expiries)}``,
    reading per user only what the user list did not carry, in parallel; each answer is shared as it arrives
    (``SharedItems``), so the API's full records of every user are never held at once."""
    shared = shared or SharedItems()
    found, calls = {}, []
    for record, kind, with_expiry in wanted:
        key = (record['username'], kind.option)
        embedded = embedded_batches(record) if kind is BATCHES and not with_expiry else None
        if embedded is not None:
            found[key] = shared.membership(kind, (embedded, {}))
        else:
            calls.append((key, record['id'], kind, with_expiry))
    progress.phase('reading', len(calls), 'batch and course lists')

    def read(call):
        return shared.membership(call[2], read_membership(api, call[2], call[1], call[3]))

    answers = in_parallel(progress.counted(read), calls, concurrency)
    found.update((call[0], answer) for call, answer in zip(calls, answers))
    return found


def resolve_names(api, entries, current, concurrency):
    """One catalogue per kind; each distinct name searched once and each unknown id read once, in parallel.
    Returns ``{kind: Catalogue}``."""
    catalogues = {}
    for kind in MEMBERSHIP_KINDS:
        catalogue = Catalogue(api, kind)
        for (_username, option), (records, _expiries) in current.items():
            if option == kind.option:
                catalogue.remember(records)
        declared = set()
        for entry in entries:
            declared.update(entry.items.get(kind, ()))
        names = sorted(item for item in declared if isinstance(item, str))
        ids = sorted(item for item in declared if isinstance(item, int))
        in_parallel(catalogue.search, names, concurrency)
        in_parallel(catalogue.by_id, ids, concurrency)
        catalogues[kind] = catalogue
    return catalogues


# ---------------------------------------------------------------- plan

class UserChange:
    """What the roster does to one account: the account plan (``_users.UserPlan``) and one
    membership plan per managed kind. ``action``: create, update, delete, deactivate or None."""

    # A roster holds one per entry: no per-object dict.
    __slots__ = ('ignored', 'username', 'record', 'spec', 'user_plan', 'memberships', 'action')

    def __init__(self, username, record, spec, user_plan, memberships, action, ignored=()):
        self.ignored = list(ignored) if ignored else ()
        self.username = username
        self.record = record
        self.spec = spec
        self.user_plan = user_plan
        self.memberships = memberships
        self.action = action

    @property
    def changed(self):
        return self.action is not None

    def locks_out(self, today):
        """True when a listed account keeps existing but loses its access: deactivated, blocked, or its
        batch subscriptions set to end before ``today``."""
        before, after = self.user_plan.before, self.user_plan.after
        if self.action != 'update':
            return False
        if after.get('is_active') is False and before.get('is_active') is not False:
            return True
        if after.get('is_blocked') is True and before.get('is_blocked') is not True:
            return True
        return any(the_plan.refresh and the_plan.expires < today for the_plan in self.memberships.values())

    def removes_account(self, today):
        """True when the account is deleted, deactivated, or locked out: one account removed."""
        return self.action in ('delete', 'deactivate') or self.locks_out(today)

    def removals(self, today):
        removed = sum(len(the_plan.remove) for the_plan in self.memberships.values())
        return removed + (1 if self.removes_account(today) else 0)

    def report(self):
        """The entry of ``changes``: the action, the fields that differ (before/after), memberships added/removed."""
        plan = self.user_plan
        options = [option for option in plan.after if plan.before.get(option) != plan.after.get(option)]
        change = {'username': self.username, 'action': self.action}
        if self.ignored:
            change['ignored'] = self.ignored
        if self.action != 'delete':
            change['before'] = dict((option, plan.before[option]) for option in options if option in plan.before)
            change['after'] = dict((option, plan.after[option]) for option in options)
        for kind, the_plan in self.memberships.items():
            moved = dict((name, sorted(kind.name(record) for record in records))
                         for name, records in (('added', the_plan.add), ('removed', the_plan.remove),
                                               ('expiry_updated', the_plan.refresh)) if records)
            if moved:
                if the_plan.expires is not None and (the_plan.add or the_plan.refresh):
                    moved['expires'] = the_plan.expires
                change[kind.option] = moved
        return change

    def diff(self):
        """One item of the task's diff: this account before and after, its header naming it."""
        before, after = dict(self.user_plan.before), dict(self.user_plan.after)
        for the_plan in self.memberships.values():
            membership = the_plan.diff(*the_plan.after())
            before.update(membership['before'])
            after.update(membership['after'])
        header = '%s (%s)' % (self.username, self.action)
        return {'before_header': header, 'after_header': header, 'before': before, 'after': after}


NO_CHANGE = UserPlan(None)
NO_MEMBERSHIPS = types.MappingProxyType({})


def unchanged(username, record):
    """An account the roster leaves as it is: counted in the summary, its plan not kept (a no-op run over
    100,000 accounts holds no plans)."""
    return UserChange(username, record, None, NO_CHANGE, NO_MEMBERSHIPS, None)


def _memberships_of(entry, record, current, catalogues, membership):
    plans = {}
    for kind, items in entry.items.items():
        records, expiries = current.get((entry.username, kind.option), ([], {})) if record else ([], {})
        declared = catalogues[kind].resolve(items)
        plans[kind] = membership_plan(kind, membership, records, declared,
                                      entry.expires if kind is BATCHES else None, expiries)
    return plans


def _plan_entry(entry, record, current, catalogues, options, joins):
    protection = options['protection']
    if entry.state == 'absent':
        user_plan = plan_absent(record)
        if not user_plan.changed:
            return unchanged(entry.username, record)
        check_entry(protection, entry.username, record, user_plan, False, options['manage_protected'])
        return UserChange(entry.username, record, entry.spec, user_plan, {}, user_plan.action, entry.ignored)
    user_plan = plan_present(entry.spec, record)
    locks_out = entry.spec.profile.get('is_active') is False or entry.spec.profile.get('is_blocked') is True
    check_entry(protection, entry.username, record, user_plan, locks_out, options['manage_protected'])
    memberships = _memberships_of(entry, record, current, catalogues, options['membership'])
    if user_plan.action == 'create' and BATCHES in memberships:
        _create_with_batches(entry, user_plan, memberships[BATCHES], joins)
    if not (user_plan.changed or any(the_plan.changed for the_plan in memberships.values())):
        return unchanged(entry.username, record)
    return UserChange(entry.username, record, entry.spec, user_plan, memberships, user_plan.action or 'update')


def _create_with_batches(entry, user_plan, batches_plan, joins):
    """A new account joins its batches in its create call, as the API documents: by name, with the entry's
    ``expires``. Only when every batch is listed by name: a name found exactly once (``Catalogue.resolve``)
    is one no other batch shares; a batch listed by id may share its name, and follows by id. ``joins``: what
    the creates send so far, each the same for thousands of new accounts, held once."""
    if batches_plan.add and all(isinstance(item, str) for item in entry.items[BATCHES]):
        names = tuple(BATCHES.name(record) for record in batches_plan.add)
        sent = {'batches': list(names)}
        if entry.expires is not None:
            sent['expires'] = entry.expires
        user_plan.joins = joins.setdefault((names, entry.expires), sent)
        batches_plan.sent_with_create = True


def _plan_unlisted(record, unlisted_users):
    """The change to an account the roster does not list; None when it needs none (already inactive)."""
    username = record['username']
    if unlisted_users == 'delete':
        user_plan = plan_absent(record)
        return UserChange(username, record, None, user_plan, {}, 'delete')
    spec = UserSpec(username, {'is_active': False})
    user_plan = plan_present(spec, record)
    return UserChange(username, record, spec, user_plan, {}, 'deactivate') if user_plan.changed else None


def _position(problem):
    found = re.match(r'users\[(\d+)\]', problem)
    return int(found.group(1)) if found else -1


def plan_roster(entries, accounts, current, catalogues, options, problems=()):
    """Every account's change, or a ``RosterError`` naming every problem, those of ``validate_entries``
    (``problems``) among them, in roster order; nothing has been written yet.

    ``options``: ``membership``, ``unlisted_users``, ``protection`` (``_guards.Protection``: whom the roster
    never sweeps or takes over), ``manage_protected``, the removal guard (``max_removals``,
    ``max_removals_percent``) and ``today`` (an expiry before it locks an account out).
    """
    protection = options['protection'].resolve(accounts)
    if not entries and not problems and options['unlisted_users'] != 'ignore':
        raise RosterError(['the roster lists no account, and unlisted_users=%s would remove every account of the '
                           'institute; an empty or cut roster file is a mistake, so nothing was changed (to remove '
                           'accounts, list each with state: absent)' % options['unlisted_users']])
    check_sweep(protection, accounts, options['unlisted_users'])
    changes, problems, joins = [], list(problems), {}
    for entry in entries:
        try:
            changes.append(_plan_entry(entry, accounts.get(entry.username), current, catalogues, options, joins))
        except InputError as err:
            problems.append('%s: %s' % (entry.label, err))
    if options['unlisted_users'] != 'ignore':
        listed = set(entry.username for entry in entries)
        for username in sorted(set(accounts) - listed):
            if protection.why(username, accounts[username]):
                continue
            change = _plan_unlisted(accounts[username], options['unlisted_users'])
            if change is not None:
                changes.append(change)
    if problems:
        raise RosterError(sorted(problems, key=_position))
    guard_removals(changes, accounts, options)
    return changes


# ---------------------------------------------------------------- apply

def apply_change(api, change):
    """One account's calls in their natural order: the account (create, update-only fields, update or
    delete: ``UserPlan.apply``), then its memberships (``Plan.send``)."""
    user = change.user_plan.apply(api)
    if change.memberships:
        user_id = (user or change.record)['id']
        for the_plan in change.memberships.values():
            the_plan.send(api, user_id)


class RosterPlan:
    """Every account's change; ``apply`` carries them out with ``concurrency`` workers, ``predicted`` is
    what check mode reports. Both return ``(applied, failures)``."""

    def __init__(self, changes, concurrency, progress=SILENT):
        self.changes = changes
        self.concurrency = concurrency
        self.progress = progress
        self.pending = [change for change in changes if change.changed]

    @property
    def changed(self):
        return bool(self.pending)

    def predicted(self):
        return list(self.pending), []

    def apply(self, api):
        def attempt(change):
            try:
                with journal_account(change.username):
                    apply_change(api, change)
            except (TestpressError, InputError) as err:
                self.progress.advance(failed=1)
                # The client scrubs what it sent; an entry's password is scrubbed at any length here too.
                return {'username': change.username, 'action': change.action,
                        'msg': scrub(str(err), [change.spec.password if change.spec else None])}
            self.progress.advance()
            return None

        self.progress.phase('applying', len(self.pending), 'accounts', counts_failures=True)
        outcomes = in_parallel(attempt, self.pending, self.concurrency)
        applied = [change for change, failure in zip(self.pending, outcomes) if failure is None]
        return applied, [failure for failure in outcomes if failure is not None]


# ---------------------------------------------------------------- the task

SUMMARY_OF_ACTION = {'create': 'created', 'update': 'updated', 'delete': 'deleted', 'deactivate': 'deactivated'}


def summarise(changes, applied, failures):
    summary = dict((key, 0) for key in ('created', 'updated', 'deleted', 'deactivated', 'unchanged', 'failed'))
    for change in applied:
        summary[SUMMARY_OF_ACTION[change.action]] += 1
    summary['unchanged'] = sum(1 for change in changes if not change.changed)
    summary['failed'] = len(failures)
    return summary


def checked_concurrency(value):
    """``concurrency``, within what one client's connection pool and the API's throttle sensibly take."""
    if not 1 <= value <= MAX_CONCURRENCY:
        raise InputError('concurrency must be between 1 and %d, got %d' % (MAX_CONCURRENCY, value))
    return value


def roster_options(params, me=None, today=None):
    """The roster's options, checked; ``me``: the account ``GET /api/v2.2/me/`` named for the token, if any."""
    checked_concurrency(params['concurrency'])
    if params['max_removals'] < 0:
        raise InputError('max_removals must be zero or more, got %d' % params['max_removals'])
    if not 0 <= params['max_removals_percent'] <= 100:
        raise InputError('max_removals_percent must be between 0 and 100, got %d' % params['max_removals_percent'])
    return {'membership': params['membership'], 'unlisted_users': params['unlisted_users'],
            'protection': Protection(params, me), 'manage_protected': bool(params.get('manage_protected')),
            'max_removals': params['max_removals'], 'max_removals_percent': params['max_removals_percent'],
            'today': today or datetime.date.today().isoformat()}
