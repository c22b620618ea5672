# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every date the collection takes or reads: ``YYYY-MM-DD`` and ``DD/MM/YYYY`` alike.

A task may give either spelling (a spreadsheet writes ``31/12/2026``); the API writes birth dates as
``DD/MM/YYYY``, reads them back in either spelling, and reads subscription ends as a date or a
timestamp. Inside the collection a date is its ISO string, so equal dates compare equal.
"""

from __future__ import annotations

import datetime
import re
import sys

from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError

ISO = '%Y-%m-%d'
DAY_FIRST = '%d/%m/%Y'
# strptime alone takes 2031-3-31; a spreadsheet's day-first date may drop its leading zeros.
SPELLINGS = ((ISO, re.compile(r'^\d{4}-\d{2}-\d{2}$')), (DAY_FIRST, re.compile(r'^\d{1,2}/\d{1,2}/\d{4}$')))


def parse(value):
    """The date that ``value`` spells (surrounding blanks ignored), or None."""
    text = '' if value is None else str(value).strip()
    for spelling, shape in SPELLINGS:
        if not shape.match(text):
            continue
        try:
            return datetime.datetime.strptime(text, spelling).date()
        except ValueError:
            continue
    return None


def _iso(date):
    """``YYYY-MM-DD``, interned: 100,000 students hold a few thousand distinct dates."""
    return sys.intern(date.isoformat())


def desired(option, value):
    """A task's date as ``YYYY-MM-DD``; ``""`` (or only blanks) stays ``""``; anything else is an input error."""
    text = '' if value is None else str(value).strip()
    if not text:
        return ''
    date = parse(text)
    if date is None:
        raise InputError('%s: %r is not a date; use YYYY-MM-DD or DD/MM/YYYY, for example 2031-03-31' % (option, text))
    return _iso(date)


def read(value):
    """A date as the API reads it back (either spelling, or a timestamp whose first ten characters are
    one) as ``YYYY-MM-DD``; ``""`` when there is none or it is not a date."""
    text = '' if value is None else str(value).strip()
    date = parse(text) or parse(text[:10])
    return _iso(date) if date else ''


def to_api(iso_date):
    """A ``YYYY-MM-DD`` date as the API takes a birth date (``DD/MM/YYYY``); None for ``""``."""
    return datetime.date.fromisoformat(iso_date).strftime(DAY_FIRST) if iso_date else None
