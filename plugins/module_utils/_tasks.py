# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What each module does, from its options to its result: read, plan, carry out, report.

The glue between the module base (``_module``) and the engines (``_users``, ``_membership``,
``_roster``, ``_export``), which know nothing of Ansible. Every task has the same shape: the
engines read and plan, ``module.carry_out(plan)`` applies the plan or, in check mode, reports its
prediction, and ``module.exit`` reports.
"""

from __future__ import annotations

import json
import os

from ansible_collections.testpress.lms.plugins.module_utils._backup import write_backup
from ansible_collections.testpress.lms.plugins.module_utils._entry import FirstPassword, read_entry_lines, validate_entries
from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError
from ansible_collections.testpress.lms.plugins.module_utils._export import export_accounts
from ansible_collections.testpress.lms.plugins.module_utils._files import PrivateFileError, write_private
from ansible_collections.testpress.lms.plugins.module_utils._guards import GuardError
from ansible_collections.testpress.lms.plugins.module_utils import _plan
from ansible_collections.testpress.lms.plugins.module_utils._membership import (
    KINDS,
    STATES,
    Catalogue,
    desired_expiry,
    plan,
    read_membership,
    validate_items,
)
from ansible_collections.testpress.lms.plugins.module_utils._module import journal_argument_spec
from ansible_collections.testpress.lms.plugins.module_utils._roster import (
    BATCHES,
    RosterPlan,
    SharedItems,
    checked_concurrency,
    plan_roster,
    read_accounts,
    read_memberships,
    resolve_names,
    roster_options,
    summarise,
)
from ansible_collections.testpress.lms.plugins.module_utils._users import UserSpec, find_account, plan_absent, plan_present


def run_user(module):
    """``testpress_user``: one account present (created or updated) or absent."""
    params = module.params
    spec = UserSpec(params['username'], params, password=params['password'],
                    update_password=params['update_password'],
                    auto_generate_password=params['auto_generate_password'],
                    notify_credential=params['notify_credential'])
    record = module.api.find_user(spec.username)
    user_plan = plan_absent(record) if params['state'] == 'absent' else plan_present(spec, record)
    backup = backup_before_writes(module, [(spec.username, record)] if user_plan.changed else [])
    user = module.carry_out(user_plan)
    module.exit(user_plan.changed, diff={'before': user_plan.before, 'after': user_plan.after}, user=user, **backup)


def backup_before_writes(module, accounts, concurrency=1):
    """``backup: true``: the ``(username, record)`` accounts about to change, written before the first write.
    Returns ``{'backup_file': path}``, or nothing in check mode or when nothing changes."""
    if not module.params.get('backup') or not accounts or module.check_mode:
        return {}
    return {'backup_file': write_backup(module.api, accounts, module.params['backup_dir'], module.name, module.run_id,
                                        concurrency)}


def membership_argument_spec(option):
    """The options of ``testpress_user_batches`` (``option='batches'``) and ``testpress_user_courses``."""
    kind = KINDS[option]
    spec = {
        'username': {'type': 'str'},
        'user_id': {'type': 'int'},
        kind.option: {'type': 'list', 'elements': 'raw', 'required': True},
        'state': {'type': 'str', 'choices': list(STATES), 'default': 'present'},
    }
    if kind.has_expiry:
        spec['expires'] = {'type': 'str'}
    spec.update(journal_argument_spec())
    return spec


def _missing_user(params):
    if params.get('user_id') is not None:
        return 'user_id: no user with id %d exists on the institute' % params['user_id']
    return ('username: no user named %r exists on the institute; create it first, for example with testpress.lms.testpress_user'
            % params['username'])


def run_membership(module, option):
    """Bring one user's batches or courses to the declared state; the whole task of the two modules.

    A user that does not exist fails before any write, except in check mode: an earlier task of the
    same play would create it, so the declared items are reported as would-be-added.
    """
    kind = KINDS[option]
    params = module.params
    state = params['state']
    items = validate_items(kind, params[kind.option])
    expires = desired_expiry(params.get('expires'), state) if kind.has_expiry else None
    api = module.api
    user = find_account(api, username=params.get('username'), user_id=params.get('user_id'))
    if user is None and not module.check_mode:
        raise InputError(_missing_user(params))

    catalogue = Catalogue(api, kind)
    current, expiries = [], {}
    if user is not None:
        current, expiries = read_membership(api, kind, user['id'])
        catalogue.remember(current)
    declared = catalogue.resolve(items)

    the_plan = plan(kind, state, current, declared, expires, expiries)
    records, expiries_after = module.carry_out(the_plan, user['id'] if user else None)
    result = {
        kind.option: [kind.entry(record, expiries_after) for record in records],
        'added': [kind.brief(record) for record in the_plan.add],
        'removed': [kind.brief(record) for record in the_plan.remove],
        'user_id': user['id'] if user else None,
    }
    if kind.has_expiry:
        result['updated'] = [kind.brief(record) for record in the_plan.refresh]
    module.exit(the_plan.changed, diff=the_plan.diff(records, expiries_after), **result)


def run_roster(module):
    """``testpress_roster``: validate, read, plan, then apply (or, in check mode, report the plan)."""
    params = module.params
    if params['users'] is None and not params['src']:
        raise InputError('users: no roster entries reached the module; give users, or src through the '
                         'testpress.lms.testpress_roster action on the controller')
    check_changes_file(params['changes_file'], params['max_changes_listed'])
    concurrency = module.workers = params['concurrency']
    entries, problems, roster_key = _entries(module)
    api = module.api
    saved = _plan.before_reading(params, api.client.base_url, module.check_mode)
    options = roster_options(params, me=api.me() if params.get('api_token') else None)

    progress = module.report_progress()
    shared = SharedItems()
    accounts = read_accounts(api, concurrency, progress, shared)
    # A generator: 100,000 students' work items are not held beside the calls made of them.
    wanted = ((accounts[entry.username], kind, kind is BATCHES and entry.expires is not None)
              for entry in entries if entry.username in accounts for kind in entry.items)
    current = read_memberships(api, wanted, concurrency, progress, shared)
    catalogues = resolve_names(api, entries, current, concurrency)
    try:
        changes = plan_roster(entries, accounts, current, catalogues, options, problems)
    except GuardError as blocked:
        _blocked(module, blocked)
        return
    roster_plan = RosterPlan(changes, concurrency, progress)
    digest = _plan.after_planning(params, api.client.base_url, roster_key, roster_plan.changes, saved, module.check_mode)

    backup = backup_before_writes(module, [(change.username, change.record) for change in roster_plan.pending], concurrency)
    applied, failures = module.carry_out(roster_plan)
    result = roster_result(roster_plan.changes, applied, failures, params['max_changes_listed'], params['changes_file'])
    result.update(backup, applied=not module.check_mode)
    diff = [change.diff() for change in applied[:params['max_changes_listed']]]
    if digest is not None:
        result['plan_digest'] = digest
    if failures:
        if module.diff_mode:
            result['diff'] = diff
        module.fail('%d of %d account changes failed; the others were applied, and a rerun finishes the job: %s'
                    % (len(failures), len(failures) + len(applied),
                       '; '.join('%s: %s' % (failure['username'], failure['msg']) for failure in failures)),
                    changed=bool(applied), **result)
    module.exit(bool(applied), diff=diff, **result)


def _entries(module):
    """``(entries, problems, roster_key)``: the roster's entries validated (``validate_entries``) and, with
    ``plan_file``, the key of the roster's digest (``_plan.RosterKey``). A roster file's entries are read a line at
    a time from the file the action plugin wrote (``src``); a task's own list is taken from the arguments
    (``TestpressModule.take_entries``). Either way no list of them is kept: the entries hold what the plan needs."""
    params = module.params
    if params['src']:
        users = read_entry_lines(params['src'])
    else:
        users = module.take_entries('users', 'password', params['max_changes_listed'])
    key = _plan.RosterKey() if params.get('plan_file') else None
    first_password = FirstPassword(params['initial_password'], params['auto_generate_password'], params['notify_credential'])
    entries, problems = validate_entries(key.taking(users) if key else users, params['update_password'], first_password)
    return entries, problems, key.value if key else None


def check_changes_file(path, max_changes_listed):
    """``max_changes_listed`` and ``changes_file`` checked before anything is read: a file that cannot be
    written fails the task before its first write, not after the last."""
    if max_changes_listed < 0:
        raise InputError('max_changes_listed must be zero or more, got %d' % max_changes_listed)
    if path and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        raise InputError('changes_file: the directory of %s does not exist; create it, or name a file in an '
                         'existing directory' % path)


def roster_result(changes, applied, failures, max_changes_listed, changes_file):
    """The roster task's result: ``summary`` counts every change, ``changes`` lists the first
    ``max_changes_listed`` and ``changes_not_listed`` counts the rest, which ``changes_file`` receives as one
    JSON list in a private file, written whatever their number (an empty list when none is left), so that
    a file left by an earlier run never stands for this one."""
    listed = applied[:max_changes_listed]
    result = {
        'summary': summarise(changes, applied, failures),
        'changes': [change.report() for change in listed],
        'changes_not_listed': len(applied) - len(listed),
        'failures': failures,
    }
    if changes_file:
        try:
            write_private(changes_file, _json_list(change.report() for change in applied[len(listed):]))
        except PrivateFileError as err:
            raise InputError('changes_file: %s' % err) from None
        result['changes_file'] = os.path.abspath(changes_file)
    return result


def _json_list(items):
    """A JSON list, one item a line, as text chunks: 100,000 changes are never one string."""
    yield '['
    for position, item in enumerate(items):
        yield '%s\n%s' % (',' if position else '', json.dumps(item, sort_keys=True))
    yield '\n]\n'


def _blocked(module, blocked):
    """A plan the removal guard stopped: the task fails, nothing written. In check mode (an audit) the result
    still holds the plan (``summary``, ``changes``), so its report can be written: ``guard`` says what stopped it."""
    result = {'guard': blocked.report}
    if module.check_mode:
        params = module.params
        pending = [change for change in blocked.changes if change.changed]
        result.update(roster_result(blocked.changes, pending, [], params['max_changes_listed'], params['changes_file']))
        if module.diff_mode:
            result['diff'] = [change.diff() for change in pending[:params['max_changes_listed']]]
    module.fail(str(blocked), **result)


def run_user_info(module):
    """``testpress_user_info``: the accounts asked for, each in the shape of a roster entry."""
    concurrency = module.workers = checked_concurrency(module.params['concurrency'])
    users = export_accounts(module.api, module.params, concurrency, module.report_progress())
    module.exit(False, users=users, count=len(users))
