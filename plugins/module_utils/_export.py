# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Accounts in the shape of roster entries (``testpress_user_info``): what an export writes and a roster
applies again with no change."""

from __future__ import annotations

from ansible_collections.testpress.lms.plugins.module_utils._entry import MEMBERSHIP_KINDS
from ansible_collections.testpress.lms.plugins.module_utils._membership import BATCHES
from ansible_collections.testpress.lms.plugins.module_utils._progress import SILENT
from ansible_collections.testpress.lms.plugins.module_utils._roster import read_accounts, read_memberships
from ansible_collections.testpress.lms.plugins.module_utils._fields import FLAG
from ansible_collections.testpress.lms.plugins.module_utils._users import USER_FIELDS, current_profile, find_account, view


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


def find_accounts(api, params, concurrency, progress=SILENT):
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
        return api.search_users(params['search'], workers=concurrency, progress=progress)
    return list(read_accounts(api, concurrency, progress).values())


def export_accounts(api, params, concurrency, progress=SILENT):
    """The accounts ``params`` ask for (see ``find_accounts``), by username, each as a roster entry with the
    memberships ``params['include']`` names."""
    include = set(params['include'] or [])
    with_expiry = 'expires' in include
    kinds = [kind for kind in MEMBERSHIP_KINDS if kind.option in include or (kind is BATCHES and with_expiry)]
    records = sorted(find_accounts(api, params, concurrency, progress), key=lambda record: record['username'])
    return export_records(api, records, kinds, with_expiry, concurrency, progress)


def export_records(api, records, kinds, with_expiry, concurrency, progress=SILENT):
    """User ``records`` as roster entries with their memberships of ``kinds`` (batches ``with_expiry``: their
    ``expires`` too), read in parallel. An export's and a backup's one way to roster shape."""
    memberships = read_memberships(api, [(record, kind, kind is BATCHES and with_expiry)
                                         for record in records for kind in kinds], concurrency, progress)
    shared = dict((kind, _names_shared_by_several(kind, memberships)) for kind in kinds)
    return [export_entry(record, dict((kind, memberships[(record['username'], kind.option)]) for kind in kinds), shared)
            for record in records]
