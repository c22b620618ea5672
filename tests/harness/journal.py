# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A write journal (``journal:``) read back by the tests, and its calls set against the simulator's request log."""

from __future__ import annotations

import collections
import json

USERS = '/api/v2.5/admin/users/'
LOGIN = '/api/v2.5/auth-token/'
THROTTLED = 429


def journal_lines(path):
    with open(path, encoding='utf-8') as handle:
        return [json.loads(line) for line in handle]


def final_lines(lines):
    """Each call's last line: how it ended (or ``sent``, when the run died with it in flight)."""
    last = {}
    for line in lines:
        last[(line['run'], line['call'])] = line
    return list(last.values())


def write_key(method, path, body):
    """What identifies a write: its method and path, and for a create the account it makes."""
    return (method, path, body.get('username') if method == 'POST' and path == USERS and isinstance(body, dict) else None)


def simulator_writes(entries):
    """The writes the simulator received and worked on (not the login, not a call it throttled), by ``write_key``."""
    return collections.Counter(write_key(entry['method'], entry['path'], entry.get('body')) for entry in entries
                               if entry['method'] in ('POST', 'PUT', 'DELETE') and entry['path'] != LOGIN
                               and entry.get('status') != THROTTLED)


def journal_writes(lines, outcomes=None):
    """The journal's calls by ``write_key``; with ``outcomes``, only those that ended so."""
    return collections.Counter(write_key(line['method'], line['path'], line['fields']) for line in final_lines(lines)
                               if outcomes is None or line['outcome'] in outcomes)
