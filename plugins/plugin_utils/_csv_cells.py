# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The cells of a roster spreadsheet, for ``roster_from_csv`` and ``roster_to_csv``: how a cell is
trimmed and guarded against formulas, how a column is named, and how a ``batches``/``courses`` cell
holds its items."""

from __future__ import annotations

import csv
import io
import re

from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError
from ansible_collections.testpress.lms.plugins.module_utils._membership import KINDS, validate_items

ITEM_SEPARATOR = ';'
ESCAPE = '\\'
ID_MARK = '#'
ITEM_ID = re.compile(r'^#\s*([0-9]+)$')
# A cell a spreadsheet takes as a formula starts with one of these (OWASP, "CSV injection"); roster_to_csv
# puts a ' before it, and before a value that already starts with ' and one of these, so that
# roster_from_csv takes exactly one ' off again.
FORMULA = re.compile(r"^'*[=+\-@\t\r]")
QUOTED_FORMULA = re.compile(r"^'+[=+\-@\t\r]")


def column_letter(number):
    """The spreadsheet's name of column ``number`` (from 1): A, B, ... Z, AA, AB, ..."""
    letters = ''
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord('A') + rest) + letters
    return letters


def unquote(cell):
    """A cell as the roster takes it: trimmed, as the API trims text, and without the ``'`` that
    ``roster_to_csv`` puts before a value a spreadsheet would take as a formula."""
    cell = cell.strip()
    return cell[1:].strip() if QUOTED_FORMULA.match(cell) else cell


def guard(cell):
    """A cell a spreadsheet would take as a formula, with a ``'`` before it (``unquote`` takes it off)."""
    return "'" + cell if FORMULA.match(cell) else cell


def csv_line(cells):
    """One CSV line of ``cells``, ending in a newline."""
    buffer = io.StringIO()
    # With "\r\n" as its line end the writer quotes a cell holding either character; each line then ends in "\n".
    csv.writer(buffer, lineterminator='\r\n').writerow(cells)
    return buffer.getvalue()[:-2] + '\n'


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
    """A ``batches``/``courses`` cell that ``split_items`` reads back to ``items``."""
    return ITEM_SEPARATOR.join(_escape_item(item) for item in validate_items(KINDS[key], items))
