# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``backup: true``: before a task's first write, the accounts it is about to change, as a roster file.

Each account is written in roster shape by ``_export`` (profile, flags, batches with ``expires``, courses),
an account about to be created as ``state: absent``; applied with ``membership: exact``, the file puts
every one back as it was (passwords and deleted accounts' histories aside). The file is private
(``_files.write_private``, ``0600``).
"""

from __future__ import annotations

import datetime
import json
import os
import re

from ansible_collections.testpress.lms.plugins.module_utils._entry import MEMBERSHIP_KINDS
from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError
from ansible_collections.testpress.lms.plugins.module_utils._export import export_records
from ansible_collections.testpress.lms.plugins.module_utils._files import PrivateFileError, write_private

try:
    import yaml
except ImportError:  # JSON is YAML too
    yaml = None

UNSAFE_IN_NAME = re.compile(r'[^A-Za-z0-9._-]+')


def backup_entries(api, accounts, concurrency=1):
    """Roster entries of ``accounts``, ``(username, record)`` pairs (record None: an account about to be created)."""
    records = [record for _username, record in accounts if record is not None]
    exported = dict((entry['username'], entry) for entry in export_records(api, records, MEMBERSHIP_KINDS, True, concurrency))
    return [exported[record['username']] if record is not None else {'username': username, 'state': 'absent'}
            for username, record in accounts]


def _text(entries, header):
    comment = ''.join('# %s\n' % line for line in header)
    if yaml is None:
        return comment + json.dumps(entries, indent=2, ensure_ascii=False) + '\n'
    return comment + yaml.safe_dump(entries, default_flow_style=False, sort_keys=False, allow_unicode=True,
                                    explicit_start=True, indent=2)


def write_backup(api, accounts, directory, module, run, concurrency=1):
    """Write the backup of ``accounts`` (see ``backup_entries``) in ``directory`` (default: the current one);
    returns its path. Any problem fails the task before its first write."""
    directory = os.path.abspath(directory or os.getcwd())
    host = UNSAFE_IN_NAME.sub('_', api.client.host)
    path = os.path.join(directory, '%s-%s.yml' % (host, run))
    entries = backup_entries(api, accounts, concurrency)
    header = ['Backup of %d account%s of %s, before %s run %s changed them (%s).'
              % (len(entries), '' if len(entries) == 1 else 's', api.client.base_url, module, run,
                 datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')),
              'To put them back: testpress.lms.testpress_roster with src: this file and membership: exact.',
              'Passwords are not kept; an account listed with state: absent was created by that run.']
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        write_private(path, _text(entries, header))
    except PrivateFileError as err:
        raise InputError('backup: %s; nothing was changed' % err) from None
    except OSError as err:
        raise InputError('backup: the directory %s cannot be made: %s; nothing was changed' % (directory, err.strerror)) from None
    return path
