# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The kinds of value a user field holds (text, email, date, state code, flag, custom fields): how each
is taken from a task, read from the API, compared and sent. Both sides are normalised the same way, so
equal things compare equal. The field table itself (which option is which kind) is ``_users.USER_FIELDS``.
"""

from __future__ import annotations

import re
import sys

from ansible_collections.testpress.lms.plugins.module_utils import _dates
from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError

# ISO 3166-2:IN: current codes with the name Testpress may read back in their place.
STATES = {
    'IN-AN': 'Andaman and Nicobar Islands', 'IN-AP': 'Andhra Pradesh', 'IN-AR': 'Arunachal Pradesh',
    'IN-AS': 'Assam', 'IN-BR': 'Bihar', 'IN-CH': 'Chandigarh', 'IN-CG': 'Chhattisgarh',
    'IN-DH': 'Dadra and Nagar Haveli and Daman and Diu', 'IN-DL': 'Delhi', 'IN-GA': 'Goa', 'IN-GJ': 'Gujarat',
    'IN-HR': 'Haryana', 'IN-HP': 'Himachal Pradesh', 'IN-JK': 'Jammu and Kashmir', 'IN-JH': 'Jharkhand',
    'IN-KA': 'Karnataka', 'IN-KL': 'Kerala', 'IN-LA': 'Ladakh', 'IN-LD': 'Lakshadweep', 'IN-MP': 'Madhya Pradesh',
    'IN-MH': 'Maharashtra', 'IN-MN': 'Manipur', 'IN-ML': 'Meghalaya', 'IN-MZ': 'Mizoram', 'IN-NL': 'Nagaland',
    'IN-OD': 'Odisha', 'IN-PY': 'Puducherry', 'IN-PB': 'Punjab', 'IN-RJ': 'Rajasthan', 'IN-SK': 'Sikkim',
    'IN-TN': 'Tamil Nadu', 'IN-TG': 'Telangana', 'IN-TR': 'Tripura', 'IN-UP': 'Uttar Pradesh',
    'IN-UK': 'Uttarakhand', 'IN-WB': 'West Bengal',
}
# Codes ISO has since replaced, and the code that replaced them; both name one state.
OLD_STATE_CODES = {
    'IN-CT': 'IN-CG', 'IN-OR': 'IN-OD', 'IN-UL': 'IN-UK', 'IN-UT': 'IN-UK', 'IN-TS': 'IN-TG',
    'IN-DD': 'IN-DH', 'IN-DN': 'IN-DH',
}
# Names as older data or other spellings carry them.
STATE_NAMES = dict((name.casefold(), code) for code, name in STATES.items())
STATE_NAMES.update({
    'orissa': 'IN-OD', 'uttaranchal': 'IN-UK', 'pondicherry': 'IN-PY', 'nct of delhi': 'IN-DL',
    'dadra and nagar haveli': 'IN-DH', 'daman and diu': 'IN-DH', 'andaman & nicobar islands': 'IN-AN',
    'jammu & kashmir': 'IN-JK',
})

EMAIL_SHAPE = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s]+$')


def text(value):
    """Text as the API stores it: the server trims surrounding whitespace (Django REST framework's
    CharField), so a padded value is compared and sent trimmed, or it would never converge."""
    return '' if value is None else str(value).strip()


class Text:
    """A plain string; ``""`` clears it. The API reads an empty field back as ``""`` (or null)."""

    ansible_type = 'str'

    def desired(self, option, value):
        return text(value)

    def read(self, value):
        return text(value)

    def to_api(self, value):
        return text(value)

    def same(self, current, desired):
        return current == desired


class Email(Text):
    """Compared without regard to case, as mail systems treat addresses."""

    def desired(self, option, value):
        value = text(value)
        if value and not EMAIL_SHAPE.match(value):
            raise InputError('%s: %r is not an email address' % (option, value))
        return value

    def same(self, current, desired):
        return current.casefold() == desired.casefold()


class Date(Text):
    """Accepted as ``YYYY-MM-DD`` or ``DD/MM/YYYY``, written as ``DD/MM/YYYY``, compared as ISO dates."""

    def desired(self, option, value):
        return _dates.desired(option, value)

    def read(self, value):
        return _dates.read(value)

    def to_api(self, value):
        return _dates.to_api(value)


class StateCode(Text):
    """An ISO 3166-2:IN code. Testpress reads ``state`` back as a code or as a name (with
    ``state_code`` beside it), and old codes name the same state as new ones: compare current codes."""

    @staticmethod
    def canonical(value):
        value = text(value)
        code = value.upper()
        if code in STATES:
            return sys.intern(code)
        if code in OLD_STATE_CODES:
            return OLD_STATE_CODES[code]
        return STATE_NAMES.get(value.casefold())

    def desired(self, option, value):
        """A code, or a state's name as the API reads it back (so an export reads in again)."""
        value = text(value)
        if not value:
            return ''
        code = self.canonical(value)
        if code is None:
            raise InputError('%s: %r is not an ISO 3166-2:IN state code such as IN-TN, nor the name of a state'
                             % (option, value))
        return code

    def read(self, value):
        return self.canonical(value) or text(value)

    def to_api(self, value):
        return value


class Flag(Text):
    """A boolean switch; the API may read it back as ``"true"``/``"false"``."""

    ansible_type = 'bool'

    def desired(self, option, value):
        return bool(value)

    def read(self, value):
        if isinstance(value, str):
            return value.strip().lower() in ('true', '1', 'yes')
        return None if value is None else bool(value)

    def to_api(self, value):
        return value


def _field_value(value):
    """Custom field values travel as strings; ``true`` and ``True`` are one value."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return text(value)


class CustomFields:
    """A dict of the institute's custom fields. Names compare case-insensitively; only the names
    the task lists are managed, the others keep their values."""

    ansible_type = 'dict'

    def desired(self, option, value):
        if not isinstance(value, dict):
            raise InputError('%s must be a dict of field name to value' % option)
        folded = {}
        for name, item in value.items():
            key = text(name).casefold()
            if not key:
                raise InputError('%s: a field name is empty' % option)
            if key in folded:
                raise InputError('%s: %r is listed twice (names are case-insensitive)' % (option, name))
            folded[key] = (text(name), _field_value(item))
        return folded

    def read(self, value):
        value = value if isinstance(value, dict) else {}
        return dict((text(name).casefold(), (text(name), _field_value(item))) for name, item in value.items())

    def to_api(self, value):
        return dict(value.values())

    @staticmethod
    def spelled(current, desired):
        """The desired fields, each named as the institute spells it when it has the field."""
        return dict((key, (current[key][0] if key in current else name, item)) for key, (name, item) in desired.items())

    def merge(self, current, desired):
        """The current fields with the desired ones set."""
        return dict(current, **self.spelled(current, desired))

    def same(self, current, desired):
        return all(key in current and current[key][1] == item[1] for key, item in desired.items())


TEXT, EMAIL, DATE, STATE, FLAG, CUSTOM = Text(), Email(), Date(), StateCode(), Flag(), CustomFields()
