# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``roster_from_csv`` and ``roster_to_csv``: roster entries from and to spreadsheet text.

The columns are the keys of a roster entry (``_roster.entry_argument_spec``), except the dict of
custom fields, which is one column per field, named ``custom_fields.<Field Name>``. Every cell is
checked with the rules the modules apply to the same option (the field table's normalisers, the
membership item rules), so a bad spreadsheet fails here, naming its row and column, before a
roster task reads the institute. Their documentation is in ``roster_from_csv.yml`` and
``roster_to_csv.yml``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError
from ansible_collections.testpress.lms.plugins.module_utils._membership import KINDS, desired_expiry, validate_items
from ansible_collections.testpress.lms.plugins.module_utils._roster import ENTRY_KEYS, entry_argument_spec
from ansible_collections.testpress.lms.plugins.module_utils._users import CUSTOM, FIELDS_BY_OPTION

ENTRY_SPEC = entry_argument_spec()
CUSTOM_FIELDS = 'custom_fields'
CUSTOM_PREFIX = CUSTOM_FIELDS + '.'
# One column per entry key, except the custom fields, which are one column per field.
COLUMN_KEYS = tuple(key for key in ENTRY_KEYS if ENTRY_SPEC[key]['type'] != 'dict')
BOOL_WORDS = {'true': True, 'yes': True, '1': True, 'false': False, 'no': False, '0': False}
ITEM_SEPARATOR = ';'
ESCAPE = '\\'
ID_MARK = '#'
ITEM_ID = re.compile(r'^#\s*([0-9]+)$')
BOM = '\ufeff'


class Column:
    """One header cell: the entry key it fills, and for a custom field column, the field's name."""

    def __init__(self, title, key=None, field=None):
        self.title = title
        self.key = key
        self.field = field


def _fail(line, column, message):
    raise AnsibleFilterError('roster_from_csv: row %d, column %s: %s' % (line, column, message))


def _message(err, key):
    """An input error's text without its leading ``option:``, which the column already names."""
    text = str(err)
    return text[len(key) + 2:] if text.startswith(key + ': ') else text


def _blank(cell):
    return not cell.strip()


# ---------------------------------------------------------------- membership cells

def split_items(key, cell):
    """The items of a ``batches``/``courses`` cell: ``;`` between items, ``#42`` the id 42, and a
    backslash takes the next character as it is (``\\;``, ``\\#``, ``\\\\``). Blanks around an item
    do not count."""
    pieces = [[]]
    characters = iter(cell)
    for char in characters:
        if char == ESCAPE:
            # A backslash at the very end has nothing to escape: it stands for itself.
            pieces[-1].append((next(characters, ESCAPE), True))
        elif char == ITEM_SEPARATOR:
            pieces.append([])
        else:
            pieces[-1].append((char, False))
    items = []
    for piece in pieces:
        text = ''.join(char for char, _escaped in piece)
        first = len(text) - len(text.lstrip())
        name = text.strip()
        if first < len(piece) and piece[first] == (ID_MARK, False):
            number = ITEM_ID.match(name)
            if not number:
                raise InputError('%s: %r is not an id; write #42 for the id 42, or \\# to start a name with #'
                                 % (key, name))
            items.append(int(number.group(1)))
        else:
            items.append(name)
    return validate_items(KINDS[key], items)


def _escape_item(item):
    if isinstance(item, int):
        return '%s%d' % (ID_MARK, item)
    text = item.replace(ESCAPE, ESCAPE * 2).replace(ITEM_SEPARATOR, ESCAPE + ITEM_SEPARATOR)
    return ESCAPE + text if text.startswith(ID_MARK) else text


def join_items(key, items):
    return ITEM_SEPARATOR.join(_escape_item(item) for item in validate_items(KINDS[key], items))


# ---------------------------------------------------------------- reading

def read_cell(key, cell):
    """The entry value of one non-empty cell of column ``key``, checked as the modules check the option.

    Strings are returned as written (the modules normalise them), so text read back equals the entries it was written from.
    """
    spec = ENTRY_SPEC[key]
    if spec['type'] == 'list':
        return split_items(key, cell)
    value = cell
    if spec['type'] == 'bool':
        word = cell.strip().lower()
        if word not in BOOL_WORDS:
            raise InputError('%s: %r is not true or false (nor yes/no, 1/0)' % (key, cell))
        value = BOOL_WORDS[word]
    if spec.get('choices') and value not in spec['choices']:
        raise InputError('%s: %r is not one of %s' % (key, value, ', '.join(spec['choices'])))
    if key in FIELDS_BY_OPTION:
        FIELDS_BY_OPTION[key].kind.desired(key, value)
    elif key == 'expires':
        desired_expiry(value, 'present')
    return value


def _header(line, cells):
    """The columns a header row names, each checked: known, and listed once."""
    columns, fields, seen = [], {}, {}
    for number, cell in enumerate(cells, 1):
        title = cell.strip()
        if not title:
            columns.append(Column('%d (no header)' % number))
            continue
        field = title[len(CUSTOM_PREFIX):].strip() if title.startswith(CUSTOM_PREFIX) else None
        if field is not None:
            title = CUSTOM_PREFIX + field
        if title in seen:
            _fail(line, title, 'the column is listed twice (columns %d and %d)' % (seen[title], number))
        seen[title] = number
        if field is not None:
            fields[field] = ''
            try:
                CUSTOM.desired(CUSTOM_FIELDS, fields)
            except InputError as err:
                _fail(line, title, _message(err, CUSTOM_FIELDS))
            columns.append(Column(title, CUSTOM_FIELDS, field))
        elif title in COLUMN_KEYS:
            columns.append(Column(title, title))
        else:
            _fail(line, title, 'not a roster entry key; the columns are %s, and %s<Field Name> for each custom field'
                  % (', '.join(COLUMN_KEYS), CUSTOM_PREFIX))
    if 'username' not in seen:
        _fail(line, 'username', 'the header has no username column')
    return columns


def _entry(line, columns, cells):
    entry = {}
    for number, cell in enumerate(cells):
        if _blank(cell):
            continue
        if number >= len(columns):
            _fail(line, '%d' % (number + 1), 'a value beyond the last column of the header')
        column = columns[number]
        if column.key is None:
            _fail(line, column.title, 'a value in a column without a header')
        if column.field is not None:
            # A custom field takes any text; its name was checked with the header.
            entry.setdefault(CUSTOM_FIELDS, {})[column.field] = cell
            continue
        try:
            entry[column.key] = read_cell(column.key, cell)
        except InputError as err:
            _fail(line, column.title, _message(err, column.key))
    if 'username' not in entry:
        _fail(line, 'username', 'the username is empty')
    return entry


def _rows(text):
    """``(line number, cells)`` of each record; a quoted cell may span lines, so a record is numbered
    by the line it starts on. Strict: a stray or unclosed quote (a cut-off file) fails instead of
    swallowing the rows after it."""
    reader = csv.reader(io.StringIO(text, newline=''), strict=True)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise AnsibleFilterError('roster_from_csv: row %d: not valid CSV: %s' % (line, err)) from None
        yield line, cells
        line = reader.line_num + 1


def roster_from_csv(text):
    """Roster entries from CSV text whose header row names entry keys; empty cells are left out."""
    if not isinstance(text, str):
        raise AnsibleFilterError('roster_from_csv expects CSV text (a string), got %s' % type(text).__name__)
    if text.startswith(BOM):
        text = text[len(BOM):]
    columns, entries, rows_of = None, [], {}
    for line, cells in _rows(text):
        # Blank rows, and rows of only commas, are what spreadsheets leave behind: no entry.
        if all(_blank(cell) for cell in cells):
            continue
        if columns is None:
            columns = _header(line, cells)
            continue
        entry = _entry(line, columns, cells)
        username = entry['username']
        if username in rows_of:
            _fail(line, 'username', '%r is listed twice (rows %d and %d)' % (username, rows_of[username], line))
        rows_of[username] = line
        entries.append(entry)
    if columns is None:
        raise AnsibleFilterError('roster_from_csv: the text has no header row naming the columns')
    return entries


# ---------------------------------------------------------------- writing

def _scalar(value):
    return ('true' if value else 'false') if isinstance(value, bool) else str(value)


def _cells(entry):
    """``{column: cell}`` of one entry; a value of None, like a key left out, is no cell."""
    cells = {}
    for key, value in entry.items():
        if value is None:
            continue
        if key == CUSTOM_FIELDS:
            fields = CUSTOM.to_api(CUSTOM.desired(key, value))
            cells.update((CUSTOM_PREFIX + name, item) for name, item in fields.items())
        elif ENTRY_SPEC[key]['type'] == 'list':
            cells[key] = join_items(key, value)
        elif isinstance(value, (Mapping, list)):
            raise InputError('%s: a %s, not a single value' % (key, type(value).__name__))
        else:
            cells[key] = _scalar(value)
    return cells


def _csv_line(cells):
    buffer = io.StringIO()
    # With "\r\n" as its line end the writer quotes a cell holding either character; each line then ends in "\n".
    csv.writer(buffer, lineterminator='\r\n').writerow(cells)
    return buffer.getvalue()[:-2] + '\n'


def roster_to_csv(entries):
    """CSV text of roster entries, which ``roster_from_csv`` reads back to the same entries."""
    if not isinstance(entries, Sequence) or isinstance(entries, (str, bytes)):
        raise AnsibleFilterError('roster_to_csv expects a list of roster entries (dicts), got %s' % type(entries).__name__)
    rows, custom_columns = [], {}
    for position, entry in enumerate(entries, 1):
        if not isinstance(entry, Mapping):
            raise AnsibleFilterError('roster_to_csv: entry %d is a %s, not a dict' % (position, type(entry).__name__))
        unknown = sorted(str(key) for key in entry if key not in ENTRY_KEYS)
        if unknown:
            raise AnsibleFilterError('roster_to_csv: entry %d has unknown keys %s; the keys are %s'
                                     % (position, ', '.join(unknown), ', '.join(ENTRY_KEYS)))
        try:
            cells = _cells(entry)
        except InputError as err:
            raise AnsibleFilterError('roster_to_csv: entry %d: %s' % (position, err)) from None
        if _blank(cells.get('username', '')):
            raise AnsibleFilterError('roster_to_csv: entry %d has no username' % position)
        # Custom field names are case-insensitive: one column per field, spelt as first met.
        for column in list(cells):
            if column.startswith(CUSTOM_PREFIX):
                cells[custom_columns.setdefault(column.casefold(), column)] = cells.pop(column)
        rows.append(cells)
    header = []
    for key in ENTRY_KEYS:
        if key == CUSTOM_FIELDS:
            header.extend(sorted(custom_columns.values(), key=lambda column: (column.casefold(), column)))
        elif key == 'username' or any(key in cells for cells in rows):
            header.append(key)
    return ''.join(_csv_line([cells.get(column, '') for column in header]) for cells in [dict(zip(header, header))] + rows)


class FilterModule:
    """The roster CSV filters."""

    def filters(self):
        return {
            'roster_from_csv': roster_from_csv,
            'roster_to_csv': roster_to_csv,
        }
