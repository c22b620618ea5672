# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The roster: a whole institute's accounts and memberships brought to a declared list in one task.

A roster entry is one account: ``username``, any profile option of the field table
(``_users.USER_FIELDS``), ``password``, ``batches`` and ``courses`` (ids or names, as the
membership modules take them), ``expires`` and ``state``. ``entry_argument_spec`` is that shape;
the roster module, ``testpress_user_info`` (which returns entries) and the CSV filters all use it.

Three phases, each built on the single-account and membership code rather than a copy of it:

- **read** (``read_accounts``, ``read_memberships``): the user list, its pages in parallel; each
  user's batches from the list's embedded copy unless it may be cut; per-user reads only for what
  the roster manages and the list does not carry.
- **plan** (``validate_entries``, ``plan_roster``): every entry validated, every name resolved,
  the removal guard applied; any problem fails the task before the first write, naming each entry.
- **apply** (``apply_roster``): a pool of workers over the shared client, each user's calls in
  their natural order (create, update-only fields, memberships). One failed user does not stop
  the others.
"""

from __future__ import annotations

import base64
import json
import re

from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError, TestpressError
from ansible_collections.testpress.lms.plugins.module_utils._parallel import in_parallel
from ansible_collections.testpress.lms.plugins.module_utils._membership import (
    BATCHES,
    COURSES,
    Catalogue,
    desired_expiry,
    execute,
    plan as membership_plan,
    read_membership,
    validate_items,
)
from ansible_collections.testpress.lms.plugins.module_utils._users import (
    FLAG,
    USER_FIELDS,
    UserSpec,
    apply_plan,
    current_profile,
    find_account,
    plan_absent,
    plan_present,
    profile_argument_spec,
    view,
)

ENTRY_STATES = ('present', 'absent')
MEMBERSHIP_KEYS = ('batches', 'courses')
MEMBERSHIP_KINDS = (BATCHES, COURSES)
# The user list embeds each user's batches; a list this long may have been cut at a page.
EMBEDDED_BATCHES_LIMIT = 20
MAX_CONCURRENCY = 32
# What Ansible shows in place of a no_log value.
NO_LOG_PLACEHOLDER = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


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


# Every key a roster entry may have, in the order an export writes them.
ENTRY_KEYS = tuple(entry_argument_spec())


def token_username(token):
    """The username a JWT was issued to, read from its payload (not verified: it only names the
    account to protect), or None when the token does not say."""
    try:
        payload = token.split('.')[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + '=' * (-len(payload) % 4)).decode('utf-8'))
    except (AttributeError, IndexError, ValueError, UnicodeDecodeError):
        return None
    username = claims.get('username') if isinstance(claims, dict) else None
    return username if isinstance(username, str) and username else None


# ---------------------------------------------------------------- read

def read_accounts(api, concurrency):
    """Every account on the institute by username, the list's pages read in parallel."""
    return dict((record['username'], record) for record in api.list_users(workers=concurrency))


def embedded_batches(record):
    """The batches the user list carries for this user, or None when they may be incomplete."""
    embedded = record.get('batches')
    if isinstance(embedded, list) and len(embedded) < EMBEDDED_BATCHES_LIMIT:
        return embedded
    return None


def read_memberships(api, wanted, concurrency):
    """``wanted``: ``(record, kind, with_expiry)`` triples. Returns ``{(username, option): (records, expiries)}``,
    reading per user only what the user list did not carry, in parallel."""
    found, calls = {}, []
    for record, kind, with_expiry in wanted:
        key = (record['username'], kind.option)
        embedded = embedded_batches(record) if kind is BATCHES and not with_expiry else None
        if embedded is not None:
            found[key] = (embedded, {})
        else:
            calls.append((key, record['id'], kind, with_expiry))
    answers = in_parallel(lambda call: read_membership(api, call[2], call[1], call[3]), calls, concurrency)
    found.update((call[0], answer) for call, answer in zip(calls, answers))
    return found


# ---------------------------------------------------------------- input

class RosterEntry:
    """One validated roster entry: the account (a ``UserSpec``), its declared memberships, its expiry."""

    def __init__(self, position, raw, update_password):
        self.position = position
        self.username = raw.get('username')
        self.state = raw.get('state') or 'present'
        self.items = {}
        self.expires = None
        self.spec = UserSpec(self.username, raw, password=raw.get('password'), update_password=update_password)
        if self.state == 'absent':
            # A password is let through: a playbook may give every entry the first password of new accounts.
            extra = sorted(key for key, value in raw.items()
                           if value is not None and key not in ('username', 'state', 'password'))
            if extra:
                raise InputError('state=absent deletes the account; it takes no %s' % ', '.join(extra))
            return
        for kind in MEMBERSHIP_KINDS:
            if raw.get(kind.option) is not None:
                self.items[kind] = validate_items(kind, raw[kind.option])
        self.expires = desired_expiry(raw.get('expires'), 'present')
        if self.expires is not None and BATCHES not in self.items:
            raise InputError('expires sets the end of the listed batch subscriptions; list the batches too')

    @property
    def label(self):
        return 'users[%d] (%s)' % (self.position, self.username)


def validate_entries(users, update_password):
    """``(entries, problems)``: the valid entries, and one line per problem of the others. The problems are
    reported with those the plan finds (unknown names), so one run names every bad entry."""
    entries, problems, seen = [], [], {}
    for position, raw in enumerate(users):
        if not isinstance(raw, dict):
            problems.append('users[%d]: an entry must be a dict with at least a username' % position)
            continue
        username = raw.get('username')
        if username in seen:
            problems.append('users[%d] (%s): the username is listed twice, first at users[%d]'
                            % (position, username, seen[username]))
            continue
        seen[username] = position
        try:
            entries.append(RosterEntry(position, raw, update_password))
        except InputError as err:
            problems.append('users[%d] (%s): %s' % (position, username, err))
    return entries, problems


class RosterError(InputError):
    """Problems found before any write, one line each."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__('%d problem%s in the roster; nothing was changed:\n- %s'
                         % (len(problems), '' if len(problems) == 1 else 's', '\n- '.join(problems)))


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

    def __init__(self, username, record, spec, user_plan, memberships, action):
        self.username = username
        self.record = record
        self.spec = spec
        self.user_plan = user_plan
        self.memberships = memberships
        self.action = action

    @property
    def changed(self):
        return self.action is not None

    def removals(self):
        removed = sum(len(the_plan.remove) for the_plan in self.memberships.values())
        return removed + (1 if self.action in ('delete', 'deactivate') else 0)

    def report(self):
        """The entry of ``changes``: the action, the fields that differ (before/after), memberships added/removed."""
        plan = self.user_plan
        options = [option for option in plan.after if plan.before.get(option) != plan.after.get(option)]
        change = {'username': self.username, 'action': self.action}
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
        before, after = dict(self.user_plan.before), dict(self.user_plan.after)
        for the_plan in self.memberships.values():
            membership = the_plan.diff(*the_plan.after())
            before.update(membership['before'])
            after.update(membership['after'])
        return before, after


def _memberships_of(entry, record, current, catalogues, membership):
    plans = {}
    for kind, items in entry.items.items():
        records, expiries = current.get((entry.username, kind.option), ([], {})) if record else ([], {})
        declared = catalogues[kind].resolve(items)
        plans[kind] = membership_plan(kind, membership, records, declared,
                                      entry.expires if kind is BATCHES else None, expiries)
    return plans


def _plan_entry(entry, record, current, catalogues, membership, protected):
    if entry.state == 'absent':
        user_plan = plan_absent(record)
        if user_plan.changed and entry.username in protected:
            raise InputError('is protected (the login account or listed in protected_users); it is never deleted')
        return UserChange(entry.username, record, entry.spec, user_plan, {}, user_plan.action)
    user_plan = plan_present(entry.spec, record)
    locks_out = entry.spec.profile.get('is_active') is False or entry.spec.profile.get('is_blocked') is True
    if entry.username in protected and locks_out:
        raise InputError('is protected (the login account or listed in protected_users); '
                         'it is never deactivated or blocked')
    memberships = _memberships_of(entry, record, current, catalogues, membership)
    changed = user_plan.changed or any(the_plan.changed for the_plan in memberships.values())
    action = user_plan.action or ('update' if changed else None)
    return UserChange(entry.username, record, entry.spec, user_plan, memberships, action)


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

    ``options``: ``membership``, ``unlisted_users``, ``protected`` (usernames never removed or locked
    out, the login account among them) and ``max_removals``.
    """
    protected = options['protected']
    changes, problems = [], list(problems)
    for entry in entries:
        try:
            changes.append(_plan_entry(entry, accounts.get(entry.username), current, catalogues,
                                       options['membership'], protected))
        except InputError as err:
            problems.append('%s: %s' % (entry.label, err))
    if options['unlisted_users'] != 'ignore':
        listed = set(entry.username for entry in entries)
        for username in sorted(set(accounts) - listed - protected):
            change = _plan_unlisted(accounts[username], options['unlisted_users'])
            if change is not None:
                changes.append(change)
    if problems:
        raise RosterError(sorted(problems, key=_position))
    removals = sum(change.removals() for change in changes)
    if removals > options['max_removals']:
        deleted = sum(1 for change in changes if change.action == 'delete')
        deactivated = sum(1 for change in changes if change.action == 'deactivate')
        raise RosterError(['the roster would remove %d (%d accounts deleted, %d deactivated, %d memberships removed), '
                           'more than max_removals=%d; check the roster file, or raise max_removals on purpose'
                           % (removals, deleted, deactivated, removals - deleted - deactivated,
                              options['max_removals'])])
    return changes


# ---------------------------------------------------------------- apply

def apply_change(module, change):
    """One account's calls in their natural order: the account (create, update-only fields, update or
    delete: ``_users.apply_plan``), then its memberships (``_membership.execute``)."""
    user = apply_plan(module, change.spec, change.record, change.user_plan)
    if change.memberships:
        user_id = (user or change.record)['id']
        for the_plan in change.memberships.values():
            execute(module, the_plan, user_id)


def apply_roster(module, changes, concurrency):
    """Apply every change with ``concurrency`` workers; returns ``(applied, failures)``."""

    def attempt(change):
        try:
            apply_change(module, change)
        except (TestpressError, InputError) as err:
            return {'username': change.username, 'action': change.action, 'msg': str(err)}
        return None

    pending = [change for change in changes if change.changed]
    outcomes = in_parallel(attempt, pending, concurrency)
    applied = [change for change, failure in zip(pending, outcomes) if failure is None]
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


def login_account(params):
    """The username the task logs in as: never deactivated or deleted by the roster."""
    return params.get('api_username') or token_username(params.get('api_token'))


def roster_options(params):
    protected = set(params['protected_users'] or [])
    login = login_account(params)
    if login:
        protected.add(login)
    elif params['unlisted_users'] != 'ignore':
        raise InputError('unlisted_users=%s needs to know the account this task logs in with, to protect it; '
                         'api_token does not name it: give api_username/api_password, or list the account '
                         'in protected_users' % params['unlisted_users'])
    checked_concurrency(params['concurrency'])
    if params['max_removals'] < 0:
        raise InputError('max_removals must be zero or more, got %d' % params['max_removals'])
    return {'membership': params['membership'], 'unlisted_users': params['unlisted_users'],
            'protected': protected, 'max_removals': params['max_removals']}


def release_entry_secrets(module):
    """The invocation to report, with each entry's password as a placeholder.

    Ansible scrubs a result by testing every string in it against every ``no_log`` value: with a password
    in each of 10,000 entries that is quadratic, minutes of CPU. The roster never returns an entry's
    password (results, diffs and errors carry placeholders; the client scrubs what a server echoes), so
    those values are dropped from the scan, and the invocation, the one place they were, is reported
    without them. The connection's own secrets stay in the scan.
    """
    params = module.params
    entries = params['users']
    kept = set(params[option] for option in ('api_password', 'api_token') if params.get(option))
    passwords = set(entry['password'] for entry in entries if isinstance(entry, dict) and entry.get('password'))
    module.ansible.no_log_values.difference_update(passwords - kept)
    users = [dict(entry, password=NO_LOG_PLACEHOLDER) if isinstance(entry, dict) and entry.get('password') else entry
             for entry in entries]
    return {'module_args': dict(params, users=users, api_password=NO_LOG_PLACEHOLDER if params.get('api_password') else None,
                                api_token=NO_LOG_PLACEHOLDER if params.get('api_token') else None)}


def run_roster(module):
    """``testpress_roster``: read, plan, and (unless in check mode) apply."""
    params = module.params
    module.invocation = release_entry_secrets(module)
    options = roster_options(params)
    concurrency = params['concurrency']
    entries, problems = validate_entries(params['users'], params['update_password'])
    api = module.api

    accounts = read_accounts(api, concurrency)
    wanted = [(accounts[entry.username], kind, kind is BATCHES and entry.expires is not None)
              for entry in entries if entry.username in accounts for kind in entry.items]
    current = read_memberships(api, wanted, concurrency)
    catalogues = resolve_names(api, entries, current, concurrency)
    changes = plan_roster(entries, accounts, current, catalogues, options, problems)

    if module.check_mode:
        applied, failures = [change for change in changes if change.changed], []
    else:
        applied, failures = apply_roster(module, changes, concurrency)
    diff = {'before': {}, 'after': {}}
    for change in applied:
        diff['before'][change.username], diff['after'][change.username] = change.diff()
    result = {
        'summary': summarise(changes, applied, failures),
        'changes': [change.report() for change in applied],
        'failures': failures,
    }
    if failures:
        if module.diff_mode:
            result['diff'] = diff
        module.fail('%d of %d account changes failed; the others were applied, and a rerun finishes the job: %s'
                    % (len(failures), len(failures) + len(applied),
                       '; '.join('%s: %s' % (failure['username'], failure['msg']) for failure in failures)),
                    changed=bool(applied), **result)
    module.exit(bool(applied), diff=diff, **result)


# ---------------------------------------------------------------- export

def _names_shared_by_several(kind, memberships):
    """Names that more than one item of this kind carries among those read: exported as ids."""
    ids_by_name = {}
    for (_username, option), (records, _expiries) in memberships.items():
        if option == kind.option:
            for record in records:
                ids_by_name.setdefault(kind.name(record), set()).add(record['id'])
    return set(name for name, ids in ids_by_name.items() if len(ids) > 1)


def export_entry(record, memberships, shared_names):
    """An account as a roster entry: profile options only, normalised, empty ones left out.

    ``memberships``: ``{kind: (records, expiries)}`` for the kinds included; an item is written by name,
    or by id where its name is one of ``shared_names[kind]``. ``expires`` is written when every batch
    subscription ends on one date: a roster entry has one ``expires`` for all its batches.
    """
    profile = current_profile(record)
    entry = {'username': record['username']}
    for field in USER_FIELDS:
        value = profile[field.option]
        if field.kind is FLAG:
            if value is not None:
                entry[field.option] = value
        elif value:
            entry[field.option] = view(profile, [field.option])[field.option]
    for kind, (records, expiries) in memberships.items():
        items = [record_['id'] if kind.name(record_) in shared_names[kind] else kind.name(record_) for record_ in records]
        entry[kind.option] = sorted(items, key=lambda item: (isinstance(item, int), str(item)))
        ends = set(expiries.get(item['id']) for item in records)
        if expiries and len(ends) == 1 and None not in ends:
            entry['expires'] = ends.pop()
    return entry


def find_accounts(api, params, concurrency):
    """The accounts ``testpress_user_info`` is asked for: by exact username, email (without regard to
    case) or id, by the API's substring search, or all of them."""
    if params.get('username') is not None:
        return [record for record in api.search_users(params['username'], workers=concurrency)
                if record.get('username') == params['username']]
    if params.get('email') is not None:
        wanted = params['email'].strip().casefold()
        return [record for record in api.users_by_email(params['email'].strip())
                if str(record.get('email') or '').casefold() == wanted]
    if params.get('user_id') is not None:
        record = find_account(api, user_id=params['user_id'])
        return [record] if record else []
    if params.get('search') is not None:
        return api.search_users(params['search'], workers=concurrency)
    return list(read_accounts(api, concurrency).values())


def run_user_info(module):
    """``testpress_user_info``: the accounts asked for, each in the shape of a roster entry."""
    params = module.params
    concurrency = checked_concurrency(params['concurrency'])
    include = set(params['include'] or [])
    with_expiry = 'expires' in include
    kinds = [kind for kind in MEMBERSHIP_KINDS if kind.option in include or (kind is BATCHES and with_expiry)]
    records = sorted(find_accounts(module.api, params, concurrency), key=lambda record: record['username'])
    memberships = read_memberships(module.api, [(record, kind, kind is BATCHES and with_expiry)
                                                for record in records for kind in kinds], concurrency)
    shared = dict((kind, _names_shared_by_several(kind, memberships)) for kind in kinds)
    users = [export_entry(record, dict((kind, memberships[(record['username'], kind.option)]) for kind in kinds), shared)
             for record in records]
    module.exit(False, users=users, count=len(users))
