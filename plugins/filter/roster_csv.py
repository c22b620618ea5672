# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``roster_from_csv`` and ``roster_to_csv``: roster entries from and to spreadsheet text.

The columns are the keys of a roster entry (``_roster.entry_argument_spec``), except the dict of
custom fields, which is one column per field, named ``custom_fields.<Field Name>``; headers match
in any case. Every cell is trimmed, as the API trims text, and checked with the rules the modules
apply to the same option, so a bad spreadsheet fails here before a roster task reads the institute,
naming every problem at once by row and column (``read_roster_csv`` is the reading for other
plugins). A problem never shows what may be a secret: the header or cells of a column that is not
a roster key, or any cell of a text with a password column. A cell a spreadsheet would run as a
formula is written with a leading ``'`` and read back without it. Their documentation is in
``roster_from_csv.yml`` and ``roster_to_csv.yml``.
"""

from __future__ import annotations

import csv
import difflib
import io
import itertools
import re
from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

from ansible_collections.testpress.lms.plugins.module_utils._entry import ENTRY_KEYS, ENTRY_SPEC, RosterEntry, typed
from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError
from ansible_collections.testpress.lms.plugins.module_utils._fields import CUSTOM
from ansible_collections.testpress.lms.plugins.module_utils._membership import desired_expiry
from ansible_collections.testpress.lms.plugins.module_utils._users import FIELDS_BY_OPTION
from ansible_collections.testpress.lms.plugins.plugin_utils._csv_cells import column_letter, csv_line, guard, join_items, split_items, unquote

CUSTOM_FIELDS = 'custom_fields'
CUSTOM_PREFIX = CUSTOM_FIELDS + '.'
# One column per entry key, except the custom fields, which are one column per field.
COLUMN_KEYS = tuple(key for key in ENTRY_KEYS if ENTRY_SPEC[key]['type'] != 'dict')
BOM = '\ufeff'
# A value a message shows, as Python's repr writes it: hidden when the text may hold a password.
QUOTED_VALUE = re.compile(r"'(?:[^'\\]|\\.)*'" + r'|"(?:[^"\\]|\\.)*"')


class Column:
    """One header cell: the entry key it fills, and for a custom field column, the field's name.

    ``name`` is how problems name the column: the key or ``custom_fields.<Field Name>``, or for a column
    that is not a roster key (whose header might be any text of any file) its letter only.
    ``ignored``: a column whose header is already a problem; its cells are not read.
    """

    def __init__(self, name, key=None, field=None, ignored=False):
        self.name = name
        self.key = key
        self.field = field
        self.ignored = ignored


class RosterCsvError(AnsibleFilterError):
    """Every problem of one CSV text; ``problems`` holds each as ``row <n>, column <c>: <what>``."""

    def __init__(self, problems, hidden=False):
        self.problems = problems
        note = ' (cell values are not shown: the text has a password column)' if hidden else ''
        if len(problems) == 1:
            message = 'roster_from_csv: %s%s' % (problems[0], note)
        else:
            message = 'roster_from_csv: %d problems%s:\n%s' % (len(problems), note, '\n'.join('- ' + text for text in problems))
        super().__init__(message)


def _message(err, key):
    """An input error's text without its leading ``option:``, which the column already names."""
    text = str(err)
    return text[len(key) + 2:] if text.startswith(key + ': ') else text


# ---------------------------------------------------------------- reading

def read_cell(key, cell):
    """The entry value of one non-empty cell of column ``key`` (trimmed and unquoted): typed as the roster's
    argument spec types the option (``yes`` is true; a state is one of its choices), then checked with the
    rule the roster entry applies to that option (an email address, a date, ids and names). Strings are
    returned as they are (the modules normalise them)."""
    if ENTRY_SPEC[key]['type'] == 'list':
        return split_items(key, cell)
    value = typed(key, cell)
    if key in FIELDS_BY_OPTION:
        FIELDS_BY_OPTION[key].kind.desired(key, value)
    elif key == 'expires':
        desired_expiry(value, 'present')
    return value


def _column_of(message):
    """The entry key a row's problem starts with (``expires sets ...``), which names its column."""
    return next((key for key in ENTRY_KEYS if message.startswith(key + ' ') or message.startswith(key + ':')), None)


def _records(text, problems):
    """``(row, cells)`` of each record, the row numbered as a spreadsheet shows it (the header is row 1;
    a quoted cell that spans lines is still one row). Strict: a stray or unclosed quote (a cut-off file)
    is a problem that ends the reading, instead of swallowing the rows after it."""
    reader = csv.reader(io.StringIO(text, newline=''), strict=True)
    for row in itertools.count(1):
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            problems.append('row %d: not valid CSV: %s' % (row, err))
            return
        yield row, cells


class _Reader:
    """One CSV text read into ``(row, entry)`` pairs, every problem of it collected on the way."""

    def __init__(self):
        self.problems = []
        self.columns = None
        self.hidden = False

    def problem(self, row, column, message):
        self.problems.append('row %d, column %s: %s' % (row, column, message))

    def cell_problem(self, row, column, message):
        """A problem with a cell's value: the value is shown unless the text has a password column (a
        row shifted by a cell puts the password in another column, where a check would show it)."""
        self.problem(row, column, QUOTED_VALUE.sub('the value', message) if self.hidden else message)

    def header(self, row, cells):
        """The columns a header row names, each checked: a roster key (in any case), listed once."""
        columns, seen = [], {}
        for number, cell in enumerate(cells, 1):
            title, letter = cell.strip(), column_letter(number)
            if not title:
                columns.append(Column(letter))
                continue
            column = self.header_cell(row, title, letter)
            # A custom field's name lives in its own namespace: custom_fields.First_Name is no first_name.
            same = ('%s.%s' % (CUSTOM_FIELDS, column.field) if column.field is not None else column.key or '').casefold()
            if same and same in seen:
                self.problem(row, column.name, 'the column is listed twice (columns %s and %s)' % (seen[same], letter))
                column = Column(letter, ignored=True)
            elif same:
                seen[same] = letter
            columns.append(column)
        if not any(column.key == 'username' for column in columns):
            self.problem(row, 'username', 'the header has no username column')
        self.hidden = any(column.key == 'password' for column in columns)
        return columns

    def header_cell(self, row, title, letter):
        if title[:len(CUSTOM_PREFIX)].casefold() == CUSTOM_PREFIX:
            field = title[len(CUSTOM_PREFIX):].strip()
            name = CUSTOM_PREFIX + field
            try:
                CUSTOM.desired(CUSTOM_FIELDS, {field: ''})
            except InputError as err:
                self.problem(row, name, _message(err, CUSTOM_FIELDS))
                return Column(name, ignored=True)
            return Column(name, CUSTOM_FIELDS, field)
        key = title.casefold()
        if key in COLUMN_KEYS:
            return Column(key, key)
        close = difflib.get_close_matches(key, COLUMN_KEYS, n=1, cutoff=0.8)
        self.problem(row, letter, 'not a roster entry key%s; the columns are %s, and %s<Field Name> for each custom field'
                     % (' (did you mean %s?)' % close[0] if close else '', ', '.join(COLUMN_KEYS), CUSTOM_PREFIX))
        return Column(letter, ignored=True)

    def entry(self, row, cells):
        entry, beyond, known = {}, False, len(self.problems)
        for number, cell in enumerate(cells):
            cell = unquote(cell)
            if not cell:
                continue
            if number >= len(self.columns):
                if not beyond:
                    self.problem(row, column_letter(number + 1), 'a value beyond the last column of the header')
                beyond = True
                continue
            column = self.columns[number]
            if column.ignored:
                continue
            if column.key is None:
                self.problem(row, column.name, 'a value in a column without a header')
            elif column.field is not None:
                # A custom field takes any text; its name was checked with the header.
                entry.setdefault(CUSTOM_FIELDS, {})[column.field] = cell
            else:
                try:
                    entry[column.key] = read_cell(column.key, cell)
                except InputError as err:
                    self.cell_problem(row, column.name, _message(err, column.key))
        if 'username' not in entry and any(column.key == 'username' for column in self.columns):
            self.problem(row, 'username', 'the username is empty')
        elif len(self.problems) == known and 'username' in entry:
            # The rules between keys (expires needs batches), as the roster entry applies them.
            try:
                RosterEntry(row, entry)
            except InputError as err:
                column = _column_of(str(err))
                if column:
                    self.cell_problem(row, column, _message(err, column))
                else:
                    self.problems.append('row %d: %s' % (row, QUOTED_VALUE.sub('the value', str(err)) if self.hidden else err))
        return entry

    def read(self, text):
        found, rows_of = [], {}
        for row, cells in _records(text, self.problems):
            # Blank rows, and rows of only commas, are what spreadsheets leave behind: no entry.
            if not any(unquote(cell) for cell in cells):
                continue
            if self.columns is None:
                self.columns = self.header(row, cells)
                continue
            entry = self.entry(row, cells)
            username = entry.get('username')
            if username in rows_of:
                self.cell_problem(row, 'username', '%r is listed twice (rows %d and %d)' % (username, rows_of[username], row))
            elif username is not None:
                rows_of[username] = row
            found.append((row, entry))
        if self.columns is None and not self.problems:
            self.problems.append('the text has no header row naming the columns')
        if self.problems:
            raise RosterCsvError(self.problems, self.hidden)
        return found


def read_roster_csv(text):
    """``(entries, rows)``: the entries of ``roster_from_csv`` and, for each, the row it was read from (as a
    spreadsheet numbers it), so that a roster file's reader names an entry by its row. Raises
    ``RosterCsvError`` naming every problem of the text at once."""
    if not isinstance(text, str):
        raise AnsibleFilterError('roster_from_csv expects CSV text (a string), got %s' % type(text).__name__)
    if text.startswith(BOM):
        text = text[len(BOM):]
    found = _Reader().read(text)
    return [entry for _row, entry in found], [row for row, _entry in found]


def roster_from_csv(text):
    """Roster entries from CSV text whose header row names entry keys; empty cells are left out."""
    return read_roster_csv(text)[0]


# ---------------------------------------------------------------- writing

def _scalar(value):
    return ('true' if value else 'false') if isinstance(value, bool) else str(value).strip()


def _cells(entry):
    """``{column: cell}`` of one entry; a value of None, like a key left out, is no cell."""
    cells = {}
    for key, value in entry.items():
        if value is None:
            continue
        if key == CUSTOM_FIELDS:
            fields = CUSTOM.to_api(CUSTOM.desired(key, value))
            cells.update((CUSTOM_PREFIX + name, item.strip()) for name, item in fields.items())
        elif ENTRY_SPEC[key]['type'] == 'list':
            cells[key] = join_items(key, value)
        elif isinstance(value, (Mapping, list)):
            raise InputError('%s: a %s, not a single value' % (key, type(value).__name__))
        else:
            cells[key] = _scalar(value)
    return cells


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
        if not cells.get('username'):
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
    lines = [csv_line(header)]
    lines.extend(csv_line([guard(cells.get(column, '')) for column in header]) for cells in rows)
    return ''.join(lines)


class FilterModule:
    """The roster CSV filters."""

    def filters(self):
        return {
            'roster_from_csv': roster_from_csv,
            'roster_to_csv': roster_to_csv,
        }
