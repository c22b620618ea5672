# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Roster files on the controller: read for ``testpress_roster``'s ``src``, written for
``testpress_user_info``'s ``dest``. The format is the file's extension: YAML, JSON or CSV (CSV
through the collection's own ``roster_from_csv`` / ``roster_to_csv``).

Entries are read as plain Python values, never templated nor tagged with their origin: at 10,000
entries Ansible's loader and templating cost seconds and hundreds of MB, the C YAML loader a
fraction. A problem names the file and the row (CSV) or the entry and its line (YAML), and never
quotes a cell of the file.
"""

from __future__ import annotations

import json
import os
import re

import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.testpress.lms.plugins.filter.roster_csv import read_roster_rows, roster_to_csv
from ansible_collections.testpress.lms.plugins.module_utils._entry import checked_entry
from ansible_collections.testpress.lms.plugins.module_utils._files import PRIVATE_MODE, PrivateFileError, holds, write_private

from ansible_collections.testpress.lms.plugins.plugin_utils._roster_formats import (
    RosterFileError,
    check_bounds,
    check_list,
    json_entries,
    load_yaml,
)

try:
    from yaml import CSafeDumper as SafeDumper
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeDumper

FORMATS = {'.yml': 'yaml', '.yaml': 'yaml', '.json': 'json', '.csv': 'csv'}
ENTRY_INDEX = re.compile(r'users\[(\d+)\]')


def file_format(path):
    """``yaml``, ``json`` or ``csv``, from the file name's extension."""
    extension = os.path.splitext(path)[1].lower()
    if extension not in FORMATS:
        raise RosterFileError('%s: a roster file is .yml, .yaml, .json or .csv; %s is none of them'
                              % (path, repr(extension) if extension else 'a name without an extension'))
    return FORMATS[extension]


class RosterFile:
    """The entries of one roster file (or of a task's ``users``: ``name`` None), where each came from, to name it in
    messages, and the problems found on the controller: ``problems`` holds ``(order, text)``, ``bad`` the indexes of
    the entries they concern (the others are still checked against the institute), ``note`` a line said once."""

    def __init__(self, name, entries, rows=None, lines=None):
        self.name = name
        self.entries = entries
        self.rows = rows
        self.lines = lines
        self.problems = []
        self.bad = set()
        self.note = None
        self._valid = None

    def label(self, index):
        """``rosters/a.csv, row 6`` (the header is row 1), or ``rosters/a.yml, entry 5 at line 23``; ``users[4]``
        for a task's own list."""
        if self.name is None:
            return 'users[%d]' % index
        if self.rows is not None and index < len(self.rows):
            return '%s, row %d' % (self.name, self.rows[index])
        if self.lines is not None and index < len(self.lines):
            return '%s, entry %d at line %d' % (self.name, index + 1, self.lines[index])
        return '%s, entry %d' % (self.name, index + 1)

    def order(self, index):
        """Where entry ``index`` stands in the file, to list problems in the file's order."""
        return self.rows[index] if self.rows is not None and index < len(self.rows) else index

    def name_entries(self, text, indexes=None):
        """``text`` with each ``users[N]`` (the module's name of an entry) written as the file and row; ``indexes``:
        the index in the file of the module's entry N, when the module was given only some of the entries."""
        return ENTRY_INDEX.sub(lambda found: self.label(indexes[int(found.group(1))] if indexes else int(found.group(1))),
                               text)

    def checked(self):
        """Each entry checked as the roster's argument spec would check it (``_entry.checked_entry``: its keys, the
        types of its values, a choice in any case), in the collection's words and naming the entry. Yields the
        typed entries without a problem, one at a time (``valid`` then gives their indexes), and keeps the
        problems of the others in ``problems``."""
        self._valid = []
        for index, raw in enumerate(self.entries):
            if index in self.bad:
                continue
            entry, problems = checked_entry(raw)
            if problems:
                self.bad.add(index)
                username = raw.get('username') if isinstance(raw, dict) else None
                who = ' (%s)' % username if isinstance(username, str) and username.strip() else ''
                self.problems.extend((self.order(index), '%s%s: %s' % (self.label(index), who, problem)) for problem in problems)
                continue
            self._valid.append(index)
            yield entry

    def valid(self):
        """The indexes of the entries ``checked`` yielded, in the file's order."""
        return self._valid


def _text(path, name):
    try:
        with open(path, encoding='utf-8', newline='') as handle:
            return handle.read()
    except UnicodeDecodeError as err:
        with open(path, 'rb') as handle:
            line = handle.read(err.start).count(b'\n') + 1
        raise RosterFileError('%s, line %d: not UTF-8 text (save the spreadsheet as "CSV UTF-8")' % (name, line)) from None
    except OSError as err:
        raise RosterFileError('%s: cannot be read: %s' % (name, err.strerror)) from None


def _csv_roster(text, name):
    """A spreadsheet's ``RosterFile``: every row, read as the entries are used; those with a problem in ``bad``, and
    once the last is read, each problem named by the file, row and column."""
    try:
        rows, error = read_roster_rows(text)
    except AnsibleFilterError as err:
        raise RosterFileError('%s: %s' % (name, err)) from None
    roster = RosterFile(name, None, rows=[])
    roster.entries = _csv_entries(roster, rows, error)
    return roster


def _csv_entries(roster, rows, error):
    for index, (row, entry, ok) in enumerate(rows):
        roster.rows.append(row)
        if not ok:
            roster.bad.add(index)
        yield entry
    found = error()
    if found is not None:
        roster.problems.extend((row, '%s, %s' % (roster.name, problem) if row else '%s: %s' % (roster.name, problem))
                               for row, problem in zip(found.rows, found.problems))
        roster.note = found.note


def read_roster(path, name):
    """The ``RosterFile`` at ``path``; ``name`` is how messages call it (the path the task gave)."""
    kind = file_format(name)
    text = _text(path, name)
    if kind == 'csv':
        return _csv_roster(text, name)
    if kind == 'json':
        return RosterFile(name, json_entries(text, name))
    entries, lines = load_yaml(text, name)
    check_bounds(entries, name)
    check_list(entries, name)
    return RosterFile(name, entries, lines=lines)


def _plain(value):
    """``value`` with Ansible's own text types (subclasses of str that the safe dumper refuses) as plain str."""
    if isinstance(value, dict):
        return dict((_plain(key), _plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return str.__str__(value) if isinstance(value, str) else value


def dump_roster(entries, kind):
    """The text of a roster file of this kind (``file_format``) holding ``entries``."""
    if kind == 'csv':
        return roster_to_csv(entries)
    if kind == 'json':
        return json.dumps(entries, indent=2, ensure_ascii=False) + '\n'
    return yaml.dump(_plain(entries), Dumper=SafeDumper, default_flow_style=False, sort_keys=False, allow_unicode=True,
                     explicit_start=True, indent=2)


def write_file(path, text, mode=None, check_mode=False):
    """Write ``text`` to ``path`` unless it already holds it; True when the file changed (or would).

    The file is private (``0600``) unless ``mode`` says otherwise, whatever stood there before; it is
    written through ``_files`` (a new file renamed over the target; a symbolic link refused).
    """
    wanted = PRIVATE_MODE if mode is None else mode
    if holds(path, text, wanted):
        return False
    if check_mode:
        return True
    try:
        write_private(path, text, wanted)
    except PrivateFileError as err:
        raise RosterFileError(str(err)) from None
    return True


def parse_mode(value):
    """A file mode given as an octal string (``"0640"``) or a number; None stays None."""
    if value is None or isinstance(value, int):
        return value
    text = str(value).strip()
    if not re.match(r'^0?[0-7]{3,4}$', text):
        raise RosterFileError('mode must be an octal number such as "0600" or "0640", got %r' % text)
    return int(text, 8)
