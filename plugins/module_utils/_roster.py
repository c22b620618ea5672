# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The roster: a whole institute's accounts and memberships brought to a declared list in one task.

A roster entry is one account: ``username``, any profile option of the field table
(``_users.USER_FIELDS``), ``password``, ``batches`` and ``courses`` (ids or names, as the
membership modules take them), ``expires`` and ``state``. ``entry_argument_spec`` is that shape;
the roster module, ``testpress_user_info`` (which returns entries) and the CSV filters all use it.
"""

from __future__ import annotations

from ansible_collections.testpress.lms.plugins.module_utils._users import profile_argument_spec

ENTRY_STATES = ('present', 'absent')
MEMBERSHIP_KEYS = ('batches', 'courses')


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
