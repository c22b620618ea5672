# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``roster_from_csv`` and ``roster_to_csv``: roster entries from and to spreadsheet text.

The columns are the keys of a roster entry (``_entry.ENTRY_KEYS``), except the dict of custom fields,
which is one column per field, named ``custom_fields.<Field Name>``; headers match ignoring case, blanks,
hyphens and underscores, and in the spellings of ``_entry.KEY_ALIASES`` (``Date of Birth``). Every cell is
trimmed, as the API trims text, and checked with the rules the modules apply to the same option, so a bad
spreadsheet fails here before a roster task reads the institute, naming every problem at once by row and
column (letter and header; ``read_roster_rows`` is the reading for other plugins, which goes on with the good
rows). A problem never shows a cell's value but a username's or a batch's or course's name: a shifted row
may put a password in any column. An empty ``batches``/``courses`` cell is an empty list. A cell a
spreadsheet would run as a formula is written with a leading ``'`` and read back without it. Their
documentation is in ``roster_from_csv.yml`` and ``roster_to_csv.yml``.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

from ansible_collections.testpress.lms.plugins.module_utils._entry import (
    ENTRY_KEYS,
    ENTRY_SPEC,
    ENTRY_STATES,
    KEY_ALIASES,
    KEY_OF_SPELLING,
    MEMBERSHIP_KEYS,
    QUOTED_VALUE,
    SHOWN_KEYS,
    RosterEntry,
    closest_key,
    fold,
    typed,
    without_values,
)
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


class Column:
    """One header cell: the entry key it fills, and for a custom field column, the field's name.

    ``name`` is how problems name the column: its letter and its header as written (``column E (E-mail)``).
    ``ignored``: a column whose header is already a problem; its cells are not read.
    """

    def __init__(self, letter, title='', key=None, field=None, ignored=False):
        self.name = 'column %s (%s)' % (letter, title) if title else 'column %s' % letter
        self.key = key
        self.field = field
        self.ignored = ignored


def columns_note():
    """The columns a roster spreadsheet may have: said once per failure, however many headers are unknown."""
    return ('the columns are %s, and %s<Field Name> for each custom field; headers match in any case, ignoring '
            'spaces, hyphens and underscores, and also as %s'
            % (', '.join(COLUMN_KEYS), CUSTOM_PREFIX,
               '; '.join('%s for %s' % (', '.join(aliases), key) for key, aliases in KEY_ALIASES.items())))


class RosterCsvError(AnsibleFilterError):
    """Every problem of one CSV text; ``problems`` holds each as ``row <n>, column <c> (<header>): <what>``, and
    ``rows`` the row of each (the header's for a column's problem). ``note``: said once after them."""

    def __init__(self, problems, rows=None, note=None):
        self.problems = problems
        self.rows = rows or []
        self.note = note
        tail = '\n(%s)' % note if note else ''
        if len(problems) == 1:
            message = 'roster_from_csv: %s%s' % (problems[0], tail)
        else:
            message = 'roster_from_csv: %d problems:\n%s%s' % (len(problems), '\n'.join('- ' + text for text in problems), tail)
        super().__init__(message)


def _message(err, key):
    """An input error's text without its leading ``option:``, which the column already names."""
    text = str(err)
    return text[len(key) + 2:] if text.startswith(key + ': ') else text


# ---------------------------------------------------------------- reading

def read_cell(key, cell):
    """The entry value of one non-empty cell of column ``key`` (trimmed and unquoted): typed as the roster's
    argument spec types the option (``yes`` is true; a state is one of its choices, in any case), then checked
    with the rule the roster entry applies to that option (an email address, a date, ids and names). Strings are
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
            problems.append((row, 'row %d: not valid CSV: %s' % (row, err)))
            return
        yield row, cells


def _filled(text, problems):
    """``_records`` but blank rows, and rows of only commas: what spreadsheets leave behind is no entry."""
    return ((row, cells) for row, cells in _records(text, problems) if any(unquote(cell) for cell in cells))


def _holds_states(records, number):
    """True when a cell of column ``number`` is an entry state (present/absent, in any case): a ``State`` column
    is then the entries' ``state``, else a person's state (``state_code``)."""
    return any(unquote(cells[number]).casefold() in ENTRY_STATES for _row, cells in records if number < len(cells))


class _Reader:
    """One CSV text read into ``(row, entry)`` pairs, every problem of it collected on the way."""

    def __init__(self):
        self.problems = []
        self.columns = None
        self.unknown_header = False

    def problem(self, row, column, message):
        self.problems.append((row, 'row %d, %s: %s' % (row, column.name, message) if column else 'row %d: %s' % (row, message)))

    def cell_problem(self, row, column, message):
        """A problem with a cell's value, quoting it only in a username, batches or courses column: any other
        cell may hold a password that a row shifted by a cell put there."""
        self.problem(row, column, message if column.key in SHOWN_KEYS else QUOTED_VALUE.sub('the value', message))

    def header(self, row, cells, records):
        """The columns a header row names, each checked: a roster key (as ``fold`` compares), listed once.
        ``records()``: the records after the header, read again only if a column's key depends on them."""
        columns, seen = [], {}
        for number, cell in enumerate(cells, 1):
            title, letter = cell.strip(), column_letter(number)
            if not title:
                columns.append(Column(letter))
                continue
            column = self.header_cell(row, title, letter, lambda: _holds_states(records(), number - 1))
            # A custom field's name lives in its own namespace: custom_fields.First_Name is no first_name.
            same = ('%s.%s' % (CUSTOM_FIELDS, column.field) if column.field is not None else column.key or '').casefold()
            if same and same in seen:
                self.problem(row, column, 'the column is listed twice (columns %s and %s)' % (seen[same], letter))
                column = Column(letter, title, ignored=True)
            elif same:
                seen[same] = letter
            columns.append(column)
        if not any(column.key == 'username' for column in columns):
            self.problem(row, None, 'the header has no username column')
        return columns

    def header_cell(self, row, title, letter, holds_states):
        if title[:len(CUSTOM_PREFIX)].casefold() == CUSTOM_PREFIX:
            field = title[len(CUSTOM_PREFIX):].strip()
            try:
                CUSTOM.desired(CUSTOM_FIELDS, {field: ''})
            except InputError as err:
                self.problem(row, Column(letter, title), _message(err, CUSTOM_FIELDS))
                return Column(letter, title, ignored=True)
            return Column(letter, title, CUSTOM_FIELDS, field)
        key = KEY_OF_SPELLING.get(fold(title))
        if key == 'state' and not holds_states():
            key = 'state_code'
        if key in COLUMN_KEYS:
            return Column(letter, title, key)
        close = closest_key(title, COLUMN_KEYS)
        self.unknown_header = True
        self.problem(row, Column(letter, title), 'not a roster entry key%s' % (' (did you mean %s?)' % close if close else ''))
        return Column(letter, title, ignored=True)

    def entry(self, row, cells):
        entry, beyond, known = {}, False, len(self.problems)
        for number, cell in enumerate(cells):
            cell = unquote(cell)
            if number >= len(self.columns):
                if cell and not beyond:
                    self.problem(row, Column(column_letter(number + 1)), 'a value beyond the last column of the header')
                    beyond = True
                continue
            column = self.columns[number]
            if column.ignored:
                continue
            if not cell:
                # An empty batches or courses cell is an empty list (roster_to_csv writes [] so): with
                # membership=exact, none. Any other empty cell leaves its key out.
                if column.key in MEMBERSHIP_KEYS:
                    entry[column.key] = []
                continue
            if column.key is None:
                self.problem(row, column, 'a value in a column without a header')
            elif column.field is not None:
                # A custom field takes any text; its name was checked with the header.
                entry.setdefault(CUSTOM_FIELDS, {})[column.field] = cell
            else:
                try:
                    entry[column.key] = read_cell(column.key, cell)
                except InputError as err:
                    self.cell_problem(row, column, _message(err, column.key))
        for column in self.columns[len(cells):]:
            if column.key in MEMBERSHIP_KEYS and not column.ignored:
                entry[column.key] = []
        username = next((column for column in self.columns if column.key == 'username'), None)
        if 'username' not in entry and username is not None:
            self.problem(row, username, 'the username is empty')
        elif len(self.problems) == known and 'username' in entry:
            # The rules between keys (expires needs batches), as the roster entry applies them.
            try:
                RosterEntry(row, entry)
            except InputError as err:
                key = _column_of(str(err))
                column = next((column for column in self.columns if column.key == key), None)
                if column is not None:
                    self.cell_problem(row, column, _message(err, key))
                else:
                    self.problems.append((row, 'row %d: %s' % (row, without_values(str(err)))))
        return entry

    def rows(self, text):
        """``(row, entry, ok)`` of each row as it is read, ``ok`` false for a row with a problem: a spreadsheet of
        100,000 rows is never held whole. Once the last is read, every problem is in ``problems``."""
        rows_of = {}
        for row, cells in _filled(text, self.problems):
            if self.columns is None:
                self.columns = self.header(
                    row, cells, lambda header=row: itertools.dropwhile(lambda record: record[0] <= header, _filled(text, [])))
                continue
            known = len(self.problems)
            entry = self.entry(row, cells)
            username = entry.get('username')
            if username in rows_of:
                self.cell_problem(row, self.columns[[column.key for column in self.columns].index('username')],
                                  '%r is listed twice (rows %d and %d)' % (username, rows_of[username], row))
            elif username is not None:
                rows_of[username] = row
            yield row, entry, len(self.problems) == known
        if self.columns is None and not self.problems:
            self.problems.append((0, 'the text has no header row naming the columns'))

    def error(self):
        problems = sorted(self.problems, key=lambda problem: problem[0])
        return RosterCsvError([text for _row, text in problems], [row for row, _text in problems],
                              columns_note() if self.unknown_header else None)


def read_roster_rows(text):
    """``(rows, error)``: ``rows`` yields ``(row, entry, ok)`` of each row of CSV text as it is read (``ok`` false for
    a row with a problem), and once it is consumed ``error()`` is a ``RosterCsvError`` naming every problem of the
    text, or None. For a roster file's reader, which goes on with the good rows to check their names against the
    institute."""
    if not isinstance(text, str):
        raise AnsibleFilterError('roster_from_csv expects CSV text (a string), got %s' % type(text).__name__)
    if text.startswith(BOM):
        text = text[len(BOM):]
    reader = _Reader()
    return reader.rows(text), lambda: reader.error() if reader.problems else None


def read_roster_csv(text):
    """``(entries, rows)``: the entries of ``roster_from_csv`` and, for each, the row it was read from (as a
    spreadsheet numbers it). Raises ``RosterCsvError`` naming every problem of the text at once."""
    rows, error = read_roster_rows(text)
    found = list(rows)
    problems = error()
    if problems is not None:
        raise problems
    return [entry for _row, entry, _ok in found], [row for row, _entry, _ok in found]


def roster_from_csv(text):
    """Roster entries from CSV text whose header row names entry keys; empty cells are left out (an empty
    ``batches`` or ``courses`` cell is an empty list)."""
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
