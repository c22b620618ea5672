# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How many calls, and how many seconds, an audit and an apply take: ``testpress_api_info``'s estimate. Pure.

``estimate_times``: of the institute's size alone (one courses read and one write per account).
``estimate_roster``: of one roster, counting the calls ``_roster`` makes for what that roster manages, against
the institute's accounts as the user list has them: the reads of each listed account's batches and courses that
the list does not carry (every account with ``expires``, or with 20 batches or more; every account with
``courses``), one search per distinct batch or course name, and the writes of every account created (its
memberships; its batches go with the create when every one is named), deleted or swept. An existing account's
update is counted only where the roster's options make one certain (``update_password: always``): what differs
is known only once its listings are read, which is the audit itself. docs/api-behaviour.md, "The estimate".

Seconds: each phase of the run in turn, its calls shared among ``concurrency`` workers, each worker's calls for
one account one after another, every call taking ``latency`` (a read's, measured), and never faster than
``rate_limit`` allows.
"""

from __future__ import annotations

import math

from ansible_collections.testpress.lms.plugins.module_utils._membership import BATCHES, COURSES
from ansible_collections.testpress.lms.plugins.module_utils._roster import embedded_batches

PER_PAGE = 20


def estimate_times(users, per_page, latency, concurrency, parallel=True, rate_limit=None):
    """Calls and seconds of an audit and an apply of ``users`` accounts, from the ``latency`` of one read.

    audit: the login, the user list (its first page, then the others ``concurrency`` at a time, or one
    after another) and one courses read per account. apply: the audit plus one write per account,
    taken to cost a read. With ``rate_limit`` (calls/s), no faster than it allows.
    """
    pages = max(1, math.ceil(users / max(1, per_page)))
    per_account = users * latency / concurrency
    audit_calls = 1 + pages + users
    audit = latency * 2 + (pages - 1) * latency / (concurrency if parallel else 1) + per_account
    apply_calls = audit_calls + users
    applied = audit + per_account
    if rate_limit:
        audit, applied = max(audit, audit_calls / rate_limit), max(applied, apply_calls / rate_limit)
    return {'users': users, 'pages': pages, 'concurrency': concurrency, 'read_latency_ms': round(latency * 1000, 2),
            'audit_calls': audit_calls, 'audit_seconds': round(audit, 3),
            'apply_calls': apply_calls, 'apply_seconds': round(applied, 3)}


def span(chains, concurrency):
    """Calls' worth of time for work items of ``chains`` calls each, run by ``concurrency`` workers: the calls
    shared among the workers, never less than the longest item."""
    chains = [chain for chain in chains if chain]
    if not chains:
        return 0
    shared = math.ceil(sum(chains) / float(min(concurrency, len(chains))))
    return max(chains + [shared])


def _pages(items):
    return max(1, math.ceil(items / float(PER_PAGE)))


def _reads(entry, record):
    """The per-account listing reads of an existing account, one work item per kind, as ``read_memberships``."""
    chains = []
    for kind, items in entry.items.items():
        if kind is BATCHES:
            embedded = embedded_batches(record)
            held = _pages(len(embedded)) if embedded is not None else 2
            if entry.expires is not None:
                chains.append(2 * held)  # the batches listing, then the subscriptions listing
            elif embedded is None:
                chains.append(held)
        else:
            chains.append(_pages(len(items)))
    return chains


def _creation(entry):
    """The writes that create an account: the create, an update for what a create cannot set, memberships."""
    profile = entry.spec.profile
    calls = 1 + (1 if profile.get('is_active') is False or profile.get('is_blocked') is True else 0)
    batches, courses = entry.items.get(BATCHES), entry.items.get(COURSES)
    if batches and not all(isinstance(item, str) for item in batches):
        calls += 1
    if courses:
        calls += 1
    return calls


def roster_calls(entries, accounts, options):
    """The calls of a roster task: ``{'reads': [chains], 'lookups': {kind: n}, 'writes': [chains], counts...}``.
    ``options``: ``unlisted_users``, ``protection`` (``_guards.Protection``: whom the roster never sweeps),
    ``update_password``."""
    reads, writes = [], []
    counts = dict.fromkeys(('creates', 'existing', 'deletes', 'swept', 'password_updates'), 0)
    for entry in entries:
        record = accounts.get(entry.username)
        if entry.state == 'absent':
            if record is not None:
                counts['deletes'] += 1
                writes.append(1)
        elif record is None:
            counts['creates'] += 1
            writes.append(_creation(entry))
        else:
            counts['existing'] += 1
            reads.extend(_reads(entry, record))
            if options['update_password'] == 'always' and entry.spec.password:
                counts['password_updates'] += 1
                writes.append(1)
    if options['unlisted_users'] != 'ignore':
        listed = set(entry.username for entry in entries)
        for username, record in accounts.items():
            if username not in listed and not options['protection'].why(username, record) and (
                    options['unlisted_users'] == 'delete' or record.get('is_active') is not False):
                counts['swept'] += 1
                writes.append(1)
    lookups = {}
    for kind in (BATCHES, COURSES):
        declared = set()
        for entry in entries:
            declared.update(entry.items.get(kind, ()))
        lookups[kind.option] = len(declared)
    return dict(counts, reads=reads, lookups=lookups, writes=writes)


def estimate_roster(entries, accounts, facts, latency, concurrency, options, rate_limit=None):
    """Calls and seconds of the roster's audit and apply; ``facts``: the user list's ``users``, ``per_page`` and
    ``parallel`` (``_assumptions.judge_user_list``); ``options`` as ``roster_calls`` takes them, and ``token``
    (an ``api_token``: no login, one read of the token's owner instead)."""
    counted = roster_calls(entries, accounts, options)
    pages = max(1, math.ceil(len(accounts) / float(max(1, facts['per_page']))))
    name_reads = sum(counted['lookups'].values())
    audit_calls = 1 + pages + sum(counted['reads']) + name_reads
    audit = (1 + 1 + (span([1] * (pages - 1), concurrency) if facts['parallel'] else pages - 1)
             + span(counted['reads'], concurrency)
             + sum(span([1] * lookups, concurrency) for lookups in counted['lookups'].values()))
    apply_calls = audit_calls + sum(counted['writes'])
    applied = audit + span(counted['writes'], concurrency)
    audit, applied = audit * latency, applied * latency
    if rate_limit:
        audit, applied = max(audit, audit_calls / rate_limit), max(applied, apply_calls / rate_limit)
    roster = dict((key, counted[key]) for key in ('creates', 'existing', 'deletes', 'swept', 'password_updates'))
    roster.update(entries=len(entries), listing_reads=sum(counted['reads']), name_searches=name_reads,
                  writes=sum(counted['writes']))
    return {'users': len(accounts), 'pages': pages, 'concurrency': concurrency, 'read_latency_ms': round(latency * 1000, 2),
            'audit_calls': audit_calls, 'audit_seconds': round(audit, 3),
            'apply_calls': apply_calls, 'apply_seconds': round(applied, 3), 'roster': roster}
