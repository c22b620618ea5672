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

try:
    from yaml import CSafeDumper as SafeDumper, CSafeLoader as SafeLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeDumper, SafeLoader

FORMATS = {'.yml': 'yaml', '.yaml': 'yaml', '.json': 'json', '.csv': 'csv'}
ENTRY_INDEX = re.compile(r'users\[(\d+)\]')
# Bounds on what a roster file may cost to read. A roster is a list of entries of a few levels (an entry, its
# custom fields or batches); YAML aliases may repeat a block (an anchored address), but a file whose aliases
# expand past a few times its own nodes (a "billion laughs") is refused before anything walks it.
MAX_DEPTH = 32
ALIAS_EXPANSION = 4
ALIAS_EXPANSION_FLOOR = 10000


class RosterFileError(Exception):
    """A roster file that cannot be read or written; the message names the file, never its content."""


def file_format(path):
    """``yaml``, ``json`` or ``csv``, from the file name's extension."""
    extension = os.path.splitext(path)[1].lower()
    if extension not in FORMATS:
        raise RosterFileError('%s: a roster file is .yml, .yaml, .json or .csv; %s is none of them'
                              % (path, repr(extension) if extension else 'a name without an extension'))
    return FORMATS[extension]


class _LineLoader(SafeLoader):  # pylint: disable=too-many-ancestors
    """The safe YAML loader (C when available) that also notes the line of each top-level entry."""

    lines = ()

    def construct_document(self, node):
        if isinstance(node, yaml.SequenceNode):
            self.lines = [item.start_mark.line + 1 for item in node.value]
        return super().construct_document(node)


class _Unusual(Exception):
    """YAML that the quick reader leaves to the full loader: explicit tags, merge keys, several documents."""


# The first characters of a plain scalar that the safe loader may read as something other than text (a number,
# a boolean, null, a date, a merge key); every other plain scalar is text as it stands.
NOT_PLAIN_TEXT = re.compile(r'[-+.0-9yYnNtTfFoO~<=]')
TEXT_TAG = 'tag:yaml.org,2002:str'
MERGE_TAG = 'tag:yaml.org,2002:merge'


def _scalar(loader, event):
    if event.tag not in (None, '!'):
        raise _Unusual()
    value = event.value
    if not event.implicit[0]:
        return value
    if not value:
        return None
    if not NOT_PLAIN_TEXT.match(value):
        return value
    tag = loader.resolve(yaml.ScalarNode, value, event.implicit)
    if tag == MERGE_TAG:
        raise _Unusual()
    return value if tag == TEXT_TAG else loader.construct_object(yaml.ScalarNode(tag, value, style=event.style), deep=True)


def _quick_yaml(text):
    """``(data, lines)`` of a YAML document read from the parser's events, as the safe loader reads it, without
    building its node tree: at 10,000 entries a fifth of the time. ``lines``: the line of each top-level item."""
    loader = _LineLoader(text)
    try:
        stack, anchors, lines, root = [], {}, [], None
        while True:
            event = loader.get_event()
            kind = type(event)
            if kind in (yaml.MappingStartEvent, yaml.SequenceStartEvent):
                if event.tag not in (None, '!'):
                    raise _Unusual()
                container = {} if kind is yaml.MappingStartEvent else []
                if len(stack) == 1 and isinstance(stack[0][0], list):
                    lines.append(event.start_mark.line + 1)
                if event.anchor:
                    anchors[event.anchor] = container
                stack.append([container, None])
                continue
            if kind is yaml.ScalarEvent:
                item = _scalar(loader, event)
                if event.anchor:
                    anchors[event.anchor] = item
            elif kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                item = stack.pop()[0]
            elif kind is yaml.AliasEvent:
                item = anchors[event.anchor]
            elif kind is yaml.DocumentEndEvent:
                if not isinstance(loader.peek_event(), yaml.StreamEndEvent):
                    raise _Unusual()
                return root, lines
            elif kind is yaml.StreamEndEvent:
                return root, lines
            else:
                continue
            if not stack:
                root = item
            elif isinstance(stack[-1][0], list):
                stack[-1][0].append(item)
            elif stack[-1][1] is None:
                stack[-1][1] = (item,)
            else:
                try:
                    stack[-1][0][stack[-1][1][0]] = item
                except TypeError:  # an unhashable key: the full loader says so
                    raise _Unusual() from None
                stack[-1][1] = None
    finally:
        loader.dispose()


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


def _measure(data):
    """``(own, expanded, depth)`` of a loaded document: its nodes counted once per distinct container, its nodes
    counted as a reader walking it meets them (an alias's block each time it is repeated), and its depth. Walked
    without recursion, each container once; a container inside itself (a recursive alias) is infinitely deep."""
    sizes, depths, own = {}, {}, 0
    stack = [(data, False)] if isinstance(data, (dict, list)) else []
    open_now = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = list(node.keys()) + list(node.values()) if isinstance(node, dict) else node
        if not done:
            if key in sizes:
                continue
            if key in open_now:
                return own, float('inf'), float('inf')
            open_now.add(key)
            own += 1 + len(children)
            stack.append((node, True))
            stack.extend((child, False) for child in children if isinstance(child, (dict, list)) and id(child) not in sizes)
            continue
        open_now.discard(key)
        containers = [child for child in children if isinstance(child, (dict, list))]
        sizes[key] = 1 + len(children) - len(containers) + sum(sizes[id(child)] for child in containers)
        depths[key] = 1 + max([depths[id(child)] for child in containers] or [0])
    if not isinstance(data, (dict, list)):
        return 1, 1, 0
    return own, sizes[id(data)], depths[id(data)]


def check_bounds(data, name):
    """Refuse a loaded roster that nests deeper than ``MAX_DEPTH`` or whose aliases expand it past
    ``ALIAS_EXPANSION`` times its own nodes: the file is named, its content is not walked any further."""
    own, expanded, depth = _measure(data)
    if depth > MAX_DEPTH:
        raise RosterFileError('%s: nested %s levels deep; a roster is a list of entries a few levels deep (at most %d), '
                              'so the file is refused unread' % (name, 'endless' if depth == float('inf') else depth,
                                                                 MAX_DEPTH))
    if expanded > max(ALIAS_EXPANSION * own, ALIAS_EXPANSION_FLOOR):
        raise RosterFileError('%s: its YAML aliases (*name) expand %d nodes to %s, more than %d times over; a roster '
                              'repeats a block a few times at most, so the file is refused unread (write the entries out)'
                              % (name, own, 'endless' if expanded == float('inf') else expanded, ALIAS_EXPANSION))


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


def _full_yaml(text):
    loader = _LineLoader(text)
    try:
        return loader.get_single_data(), loader.lines
    finally:
        loader.dispose()


def _load_yaml(text, name):
    try:
        try:
            return _quick_yaml(text)
        except _Unusual:
            return _full_yaml(text)
    except yaml.MarkedYAMLError as err:
        # The problem and where, without the snippet of the line PyYAML adds: it could hold a password.
        mark = err.problem_mark or err.context_mark
        where = ', line %d, column %d' % (mark.line + 1, mark.column + 1) if mark else ''
        raise RosterFileError('%s%s: not valid YAML: %s' % (name, where, err.problem or err.context)) from None
    except yaml.YAMLError as err:
        raise RosterFileError('%s: not valid YAML: %s' % (name, type(err).__name__)) from None
    except RecursionError:
        raise RosterFileError('%s: nested too deep to read; a roster is a list of entries a few levels deep (at most %d)'
                              % (name, MAX_DEPTH)) from None


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
        return RosterFile(name, _json_entries(text, name))
    entries, lines = _load_yaml(text, name)
    check_bounds(entries, name)
    _check_list(entries, name)
    return RosterFile(name, entries, lines=lines)


def _check_list(entries, name):
    if not isinstance(entries, list):
        raise RosterFileError('%s: a roster file holds a list of entries (one per account), not %s'
                              % (name, 'an empty document' if entries is None else 'a ' + type(entries).__name__))


JSON_BLANK = re.compile(r'[ \t\n\r]*')


def _json_entries(text, name):
    """The entries of a JSON roster, decoded one at a time: 100,000 of them are never held at once as Python
    values. A document that is not a list is decoded whole, to say what it is."""
    decoder = json.JSONDecoder()
    try:
        position = JSON_BLANK.match(text).end()
        if not text.startswith('[', position):
            _check_list(json.loads(text), name)
        position = JSON_BLANK.match(text, position + 1).end()
        closed = text.startswith(']', position)
        while not closed:
            entry, position = decoder.raw_decode(text, position)
            check_bounds([entry], name)
            yield entry
            position = JSON_BLANK.match(text, position).end()
            closed = text.startswith(']', position)
            if not closed:
                if not text.startswith(',', position):
                    break
                position = JSON_BLANK.match(text, position + 1).end()
        if not closed or JSON_BLANK.match(text, position + 1).end() != len(text):
            # Not JSON: the whole document decoded raises the error json gives it, naming the line and column.
            json.loads(text)
    except ValueError as err:
        raise RosterFileError('%s, line %d, column %d: not valid JSON: %s' % (name, err.lineno, err.colno, err.msg)) from None
    except RecursionError:
        raise RosterFileError('%s: nested too deep to read; a roster is a list of entries a few levels deep (at most %d)'
                              % (name, MAX_DEPTH)) from None


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
