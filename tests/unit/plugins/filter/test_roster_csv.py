# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The roster CSV filters: spreadsheet reality, every failure naming its row and column, and the round trip."""

from __future__ import annotations

import csv
import datetime
import functools
import io
import subprocess
import sys
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.testpress.lms.plugins.filter import roster_csv
from ansible_collections.testpress.lms.plugins.filter.roster_csv import (
    FilterModule,
    columns_note,
    RosterCsvError,
    read_roster_csv,
    roster_from_csv,
    roster_to_csv,
)
from ansible_collections.testpress.lms.plugins.module_utils._entry import ENTRY_KEYS, ENTRY_STATES, RosterEntry
from ansible_collections.testpress.lms.plugins.module_utils import _fields
from ansible_collections.testpress.lms.plugins.module_utils._fields import OLD_STATE_CODES, STATES
from ansible_collections.testpress.lms.plugins.module_utils._users import FIELDS_BY_OPTION, USER_FIELDS

# A cell of each kind of field and what it reads as, so the full row and entry below follow the field table
# (_users.USER_FIELDS): a new field of a known kind needs no edit here; a new kind needs its sample.
KIND_SAMPLES = {
    _fields.TEXT: lambda option: ('%s of Asha' % option, '%s of Asha' % option),
    _fields.EMAIL: lambda option: ('asha.%s@example.com' % option, 'asha.%s@example.com' % option),
    _fields.DATE: lambda option: ('12/04/2007', '12/04/2007'),
    _fields.STATE: lambda option: ('IN-TN', 'IN-TN'),
    _fields.FLAG: lambda option: ('true', True) if option == 'is_active' else ('no', False),
}
# The entry's own keys, which are not profile fields.
ENTRY_SAMPLES = {
    'username': ('asha', 'asha'), 'state': ('present', 'present'), 'password': ('s3cret', 's3cret'),
    'batches': ('UPSC;#27', ['UPSC', 27]), 'courses': ('td; #282', ['td', 282]), 'expires': ('2026-12-31', '2026-12-31'),
}


def full_row_and_entry():
    """``(columns, row, entry)``: every key of a roster entry as a column, one cell of each, and the entry it reads as."""
    columns, row, entry = [], [], {}
    for key in ENTRY_KEYS:
        field = FIELDS_BY_OPTION.get(key)
        if field is not None and field.kind is _fields.CUSTOM:
            columns.append('custom_fields.Roll Number')
            row.append('2026-041')
            entry[key] = {'Roll Number': '2026-041'}
            continue
        assert field is not None and field.kind in KIND_SAMPLES or key in ENTRY_SAMPLES, (
            'test_roster_csv.py: give KIND_SAMPLES a cell of kind %s (field %s)' % (type(field.kind).__name__, key)
            if field is not None else 'test_roster_csv.py: give ENTRY_SAMPLES a cell of entry key %s' % key)
        cell, value = KIND_SAMPLES[field.kind](key) if field is not None else ENTRY_SAMPLES[key]
        columns.append(key)
        row.append(cell)
        entry[key] = value
    return columns, row, entry


# One name per assignment: ansible-lint's documentation scan warns on a tuple target at module level.
FULL = full_row_and_entry()
ALL_COLUMNS = FULL[0]
FULL_ROW = FULL[1]
FULL_ENTRY = FULL[2]


def full_row(**cells):
    """The full row with some cells given by column."""
    return [cells.get(column, cell) for column, cell in zip(ALL_COLUMNS, FULL_ROW)]


def csv_text(*rows, end='\n'):
    return ''.join(','.join(row) + end for row in rows)


def fails(text, match):
    with pytest.raises(AnsibleFilterError, match=match):
        roster_from_csv(text)


def test_loading_the_filters_loads_no_http_library():
    """The filters run on the controller, which need not have requests: they use the pure entry rules."""
    root = Path(roster_csv.__file__).parents[5]
    code = ('import sys; sys.path.insert(0, %r)\n'
            'import ansible_collections.testpress.lms.plugins.filter.roster_csv\n'
            'import ansible_collections.testpress.lms.plugins.filter.drift\n'
            'print(sorted(name for name in sys.modules if name.split(".")[0] in ("requests", "urllib3")))' % str(root))
    loaded = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == '[]'


# ---------------------------------------------------------------- reading

def test_every_entry_key_is_a_column_and_each_kind_of_cell_is_read():
    assert roster_from_csv(csv_text(ALL_COLUMNS, FULL_ROW)) == [FULL_ENTRY]


def test_the_filters_are_registered_under_their_names():
    assert FilterModule().filters() == {'roster_from_csv': roster_from_csv, 'roster_to_csv': roster_to_csv}


def test_a_spreadsheet_export_bom_crlf_quoted_cells_and_trailing_blank_rows():
    text = ('\ufeffusername,first_name,city,custom_fields.Note\r\n'
            'asha,"Asha, the ""first""",Chennai,"two\r\nlines"\r\n'
            'ravi,Ravi,,\r\n'
            ',,,\r\n'
            '\r\n'
            ' , ,,\r\n')
    assert roster_from_csv(text) == [
        {'username': 'asha', 'first_name': 'Asha, the "first"', 'city': 'Chennai', 'custom_fields': {'Note': 'two\r\nlines'}},
        {'username': 'ravi', 'first_name': 'Ravi'},
    ]


def test_empty_and_blank_cells_are_left_out_and_other_strings_are_kept_trimmed():
    text = csv_text(['username', 'first_name', 'last_name', 'email', 'state_code'], ['asha', '', '   ', ' Asha@Example.com', 'in-tn'])
    assert roster_from_csv(text) == [{'username': 'asha', 'email': 'Asha@Example.com', 'state_code': 'in-tn'}]


def test_a_header_alone_is_an_empty_roster_and_the_header_may_follow_blank_rows():
    assert roster_from_csv('username,email\n') == []
    assert roster_from_csv('\n,\nusername\nasha\n') == [{'username': 'asha'}]


def test_header_cells_are_stripped_and_a_column_without_a_header_may_stay_empty():
    text = csv_text([' username ', 'custom_fields. Roll Number ', ''], ['asha', '41', ''], ['ravi', '', ' '])
    assert roster_from_csv(text) == [{'username': 'asha', 'custom_fields': {'Roll Number': '41'}}, {'username': 'ravi'}]


@pytest.mark.parametrize('cell, value', [
    ('true', True), ('TRUE', True), ('Yes', True), ('1', True), (' true ', True),
    ('false', False), ('False', False), ('NO', False), ('0', False), ('On', True), ('off', False),
])
def test_flag_cells_become_booleans(cell, value):
    text = csv_text(['username', 'is_active', 'is_blocked'], ['asha', cell, cell])
    assert roster_from_csv(text) == [{'username': 'asha', 'is_active': value, 'is_blocked': value}]


@pytest.mark.parametrize('cell, items', [
    ('UPSC', ['UPSC']),
    (' UPSC ;  UPSC Morning Batch ', ['UPSC', 'UPSC Morning Batch']),
    ('#21;#22', [21, 22]),
    ('# 21', [21]),
    ('A\\;B;C', ['A;B', 'C']),
    ('\\#1 Batch;#7', ['#1 Batch', 7]),
    ('back\\\\slash', ['back\\slash']),
    ('Batch #3', ['Batch #3']),
    ('42', ['42']),                      # a number without # is a name, as in the modules
    ('trailing\\', ['trailing\\']),      # a backslash with nothing to escape stands for itself
])
def test_membership_cells(cell, items):
    assert roster_from_csv(csv_text(['username', 'batches', 'courses'], ['asha', '"%s"' % cell, '"%s"' % cell])) == [
        {'username': 'asha', 'batches': items, 'courses': items}]


def test_a_row_is_numbered_as_a_spreadsheet_shows_it_a_cell_of_two_lines_being_one_row():
    text = 'username,first_name\n\nasha,"two\nlines"\n\n,\nravi,x\nasha,again\n'
    fails(text, r"^roster_from_csv: row 7, column A \(username\): 'asha' is listed twice \(rows 3 and 7\)$")


@pytest.mark.parametrize('text, message', [
    ('username,nickname\nasha,A\n',
     r"^roster_from_csv: row 1, column B \(nickname\): not a roster entry key\n\(the columns are username, state, "
     r"password, first_name, .*, expires, and custom_fields\.<Field Name> for each custom field; headers match in any "
     r"case, ignoring spaces, hyphens and underscores, and also as .*Valid Until, .*\)$"),
    ('username,custom_fields\n', r'^roster_from_csv: row 1, column B \(custom_fields\): not a roster entry key\n'),
    ('username,e-mial\n', r'^roster_from_csv: row 1, column B \(e-mial\): not a roster entry key \(did you mean email\?\)\n'),
    ('email\nasha@example.com\n', r'^roster_from_csv: row 1: the header has no username column$'),
    ('username,email\nasha,a@example.com\n,r@example.com\n', r'^roster_from_csv: row 3, column A \(username\): the username is empty$'),
    ('username,email\n  ,r@example.com\n', r'^roster_from_csv: row 2, column A \(username\): the username is empty$'),
    ('username,email,email\n', r'^roster_from_csv: row 1, column C \(email\): the column is listed twice \(columns B and C\)$'),
    ('username,Email,E-MAIL \n', r'^roster_from_csv: row 1, column C \(E-MAIL\): the column is listed twice \(columns B and C\)$'),
    ('username,custom_fields.Roll,custom_fields.roll\n',
     r"^roster_from_csv: row 1, column C \(custom_fields\.roll\): the column is listed twice \(columns B and C\)$"),
    ('username,custom_fields.\n', r'^roster_from_csv: row 1, column B \(custom_fields\.\): a field name is empty$'),
    ('username,email\nasha,not-an-address\n', r"^roster_from_csv: row 2, column B \(email\): the value is not an email address$"),
    ('username,birth_date\nasha,2007-13-01\n', r"^roster_from_csv: row 2, column B \(birth_date\): the value is not a date"),
    ('username,state_code\nasha,TN\n', r"^roster_from_csv: row 2, column B \(state_code\): the value is not an ISO 3166-2:IN state code"),
    ('username,state\nasha,gone\nravi,ABSENT\n', r"^roster_from_csv: row 2, column B \(state\): must be one of present, absent$"),
    ('username,State\nasha,gone\n', r"^roster_from_csv: row 2, column B \(State\): the value is not an ISO 3166-2:IN state code"),
    ('username,is_active\nasha,maybe\n', r"^roster_from_csv: row 2, column B \(is_active\): not a boolean \(true/false\)$"),
    ('username,expires\nasha,2031-03-31\n',
     r"^roster_from_csv: row 2, column B \(expires\): expires sets the end of the listed batch subscriptions; list the batches too$"),
    ('username,expires\nasha,31/13/2026\n', r"^roster_from_csv: row 2, column B \(expires\): the value is not a date; use YYYY-MM-DD"),
    ('username,batches\nasha,#UPSC\n', r"^roster_from_csv: row 2, column B \(batches\): '#UPSC' is not an id; write #42 for the id 42"),
    ('username,batches\nasha,#0\n', r'^roster_from_csv: row 2, column B \(batches\): item 1 \(0\) is not a valid batch id$'),
    ('username,courses\nasha,td;;ml\n', r'^roster_from_csv: row 2, column B \(courses\): item 2 is an empty name$'),
    ('username,courses\nasha,td;\n', r'^roster_from_csv: row 2, column B \(courses\): item 2 is an empty name$'),
    ('username,,email\nasha,x,\n', r'^roster_from_csv: row 2, column B: a value in a column without a header$'),
    ('username,email\nasha,,,x,y\n', r'^roster_from_csv: row 2, column D: a value beyond the last column of the header$'),
    ('username,first_name\nasha,"Asha\n', r'^roster_from_csv: row 2: not valid CSV: unexpected end of data$'),
    ('username,first_name\nasha,"Asha" R\n', r"^roster_from_csv: row 2: not valid CSV: ',' expected after '\"'$"),
    ('', r'^roster_from_csv: the text has no header row naming the columns$'),
    ('\n,,\n', r'^roster_from_csv: the text has no header row naming the columns$'),
])
def test_each_failure_names_the_row_and_column(text, message):
    fails(text, message)


@pytest.mark.parametrize('value', [None, ['username', 'asha'], {'username': 'asha'}, b'username\nasha\n'])
def test_only_text_is_read(value):
    fails(value, r'^roster_from_csv expects CSV text \(a string\), got ')


# ---------------------------------------------------------------- every mistake in one run

def test_every_problem_of_a_spreadsheet_is_named_in_one_failure_in_row_order():
    text = csv_text(['username', 'emial', 'email', 'birth_date', 'state'],
                    ['asha', 'x', 'asha@example.com', '12/04/2007', 'present'],
                    ['ravi', '', 'not-an-address', '', ''],
                    ['', '', '', '', 'absent'],
                    ['asha', '', '', '31/02/2007', 'gone'],
                    ['meena', '', '', '', '', 'extra'])
    with pytest.raises(RosterCsvError) as failure:
        roster_from_csv(text)
    assert failure.value.problems == [
        'row 1, column B (emial): not a roster entry key (did you mean email?)',
        'row 3, column C (email): the value is not an email address',
        'row 4, column A (username): the username is empty',
        'row 5, column D (birth_date): the value is not a date; use YYYY-MM-DD or DD/MM/YYYY, for example 2031-03-31',
        'row 5, column E (state): must be one of present, absent',
        "row 5, column A (username): 'asha' is listed twice (rows 2 and 5)",
        'row 6, column F: a value beyond the last column of the header',
    ]
    # The columns a spreadsheet may have are listed once, after the problems.
    assert str(failure.value) == ('roster_from_csv: 7 problems:\n' + '\n'.join('- ' + line for line in failure.value.problems)
                                  + '\n(%s)' % columns_note())
    assert str(failure.value).count('the columns are') == 1
    assert isinstance(failure.value, AnsibleFilterError)


def test_a_csv_syntax_error_ends_the_reading_after_the_problems_before_it():
    with pytest.raises(RosterCsvError) as failure:
        roster_from_csv('username,email\nasha,nowhere\nravi,"r@example.com\n')
    assert failure.value.problems == ['row 2, column B (email): the value is not an email address',
                                      'row 3: not valid CSV: unexpected end of data']


def test_the_rows_of_the_entries_are_given_as_a_spreadsheet_numbers_them():
    text = 'username,first_name\n\nasha,"two\nlines"\n,\nravi,R\n'
    assert read_roster_csv(text) == ([{'username': 'asha', 'first_name': 'two\nlines'}, {'username': 'ravi', 'first_name': 'R'}], [3, 5])


# ---------------------------------------------------------------- text as the API stores it

def test_headers_match_entry_keys_in_any_case_and_with_blanks_around():
    text = csv_text([' USERNAME', 'Email ', 'First_Name', 'Custom_Fields. Roll Number ', 'Is_Active'],
                    ['asha', 'asha@example.com', 'Asha', '41', 'TRUE'])
    assert roster_from_csv(text) == [
        {'username': 'asha', 'email': 'asha@example.com', 'first_name': 'Asha', 'custom_fields': {'Roll Number': '41'},
         'is_active': True}]


@pytest.mark.parametrize('header, key', [
    ('User Name', 'username'), ('user-name', 'username'), ('First Name', 'first_name'), ('FIRST-NAME', 'first_name'),
    ('Last Name', 'last_name'), ('Surname', 'last_name'), ('E-mail', 'email'), ('E Mail', 'email'),
    ('Email Address', 'email'), ('Date of Birth', 'birth_date'), ('DOB', 'birth_date'), ('Birth Date', 'birth_date'),
    ('Mobile', 'phone'), ('Phone Number', 'phone'), ('Mobile No', 'phone'), ('Valid Until', 'expires'),
    ('Expiry', 'expires'), ('State', 'state_code'), ('State Code', 'state_code'), ('PIN Code', 'zip'),
    ('Is Active', 'is_active'), ('Batch', 'batches'),
])
def test_headers_as_a_spreadsheet_writes_them(header, key):
    cell = {'username': 'asha', 'first_name': 'Asha', 'last_name': 'R', 'email': 'asha@example.com',
            'birth_date': '12/04/2007', 'phone': '+91 98400 00000', 'expires': '2031-03-31', 'state_code': 'Tamil Nadu',
            'zip': '600001', 'is_active': 'Yes', 'batches': 'UPSC'}[key]
    columns = ['Username' if key != 'username' else header, header] if key != 'username' else [header]
    cells = ['asha', cell] if key != 'username' else ['asha']
    if key == 'expires':
        columns, cells = columns + ['Batch'], cells + ['UPSC']
    entry = roster_from_csv(csv_text(columns, cells))[0]
    assert entry['username'] == 'asha' and key in entry


def test_a_state_column_of_present_and_absent_in_any_case_is_the_entry_state():
    text = 'User Name,State,E-mail\nasha,ABSENT,\nravi,Present,ravi@example.com\nmeena,,\n'
    assert roster_from_csv(text) == [{'username': 'asha', 'state': 'absent'},
                                     {'username': 'ravi', 'state': 'present', 'email': 'ravi@example.com'},
                                     {'username': 'meena'}]


def test_an_unknown_header_is_named_by_its_text_and_letter_and_the_columns_are_listed_once():
    with pytest.raises(RosterCsvError) as failure:
        roster_from_csv('username,Frist Name,Date of Brith,Nickname,Roll\n')
    assert failure.value.problems == [
        'row 1, column B (Frist Name): not a roster entry key (did you mean first_name?)',
        'row 1, column C (Date of Brith): not a roster entry key (did you mean birth_date?)',
        'row 1, column D (Nickname): not a roster entry key',
        'row 1, column E (Roll): not a roster entry key']
    assert str(failure.value).count('the columns are') == 1 and str(failure.value).endswith('\n(%s)' % columns_note())


def test_padded_cells_are_trimmed_usernames_names_emails_items_and_custom_fields():
    text = csv_text(['username', 'first_name', 'last_name', 'email', 'batches', 'custom_fields.Roll'],
                    ['"priya "', '" Priya"', '"முருகன் "', '" priya@example.com "', '" UPSC Morning Batch ; #7 "', '" 41 "'])
    assert roster_from_csv(text) == [
        {'username': 'priya', 'first_name': 'Priya', 'last_name': 'முருகன்', 'email': 'priya@example.com',
         'batches': ['UPSC Morning Batch', 7], 'custom_fields': {'Roll': '41'}}]


def test_a_padded_username_is_the_same_username():
    fails('username\npriya\n"priya "\n', r"^roster_from_csv: row 3, column A \(username\): 'priya' is listed twice \(rows 2 and 3\)$")


def test_a_full_row_marked_absent_keeps_its_cells():
    text = csv_text(ALL_COLUMNS, full_row(state='absent'))
    assert roster_from_csv(text) == [dict(FULL_ENTRY, state='absent')]


# ---------------------------------------------------------------- cells never echoed where they may be secret

def test_a_file_that_is_not_a_roster_names_its_headers_but_none_of_its_cells():
    text = 'db_password,Hunter2-prod\napi_key,sk-live-0123456789\n'
    with pytest.raises(RosterCsvError) as failure:
        roster_from_csv(text)
    message = str(failure.value)
    for secret in ('sk-live', 'api_key'):
        assert secret not in message
    assert failure.value.problems == [
        'row 1, column A (db_password): not a roster entry key (did you mean password?)',
        'row 1, column B (Hunter2-prod): not a roster entry key',
        'row 1: the header has no username column']


def test_the_cells_of_an_unknown_column_are_never_read_nor_shown():
    with pytest.raises(RosterCsvError) as failure:
        roster_from_csv('username,db_password\nasha,Hunter2-prod\n')
    assert 'Hunter2' not in str(failure.value) and len(failure.value.problems) == 1


@pytest.mark.parametrize('header', ['password', 'db_password', None])
@pytest.mark.parametrize('password', ['x', 'ab', 'p4s', 'Hunter2-prod', "it's", 'a"b\\c'])
def test_no_cell_a_shifted_row_puts_in_another_column_is_shown_whatever_the_columns_are_called(password, header):
    # The first name is missing, so every cell after it moved one column to the left.
    columns = ['username', 'first_name', 'email', 'birth_date', 'batches', 'state', 'is_active'] + ([header] if header else [])
    text = csv_text(columns,
                    ['asha', 'Asha', 'asha@example.com', '2007-04-12', 'UPSC', 'present', 'true'] + (['s3cret'] if header else []),
                    ['ravi', '"%s"' % password.replace('"', '""'), '"%s"' % password.replace('"', '""'),
                     '"%s"' % password.replace('"', '""'), '', 'yes', '', ''],
                    ['ravi', 'R', '', '', '', '', ''])
    with pytest.raises(RosterCsvError) as failure:
        roster_from_csv(text)
    problems = [problem for problem in failure.value.problems if not problem.startswith('row 1,')]
    assert problems[:3] == [
        'row 3, column C (email): the value is not an email address',
        'row 3, column D (birth_date): the value is not a date; use YYYY-MM-DD or DD/MM/YYYY, for example 2031-03-31',
        'row 3, column F (state): must be one of present, absent',
    ]
    # A username is shown: it names the row.
    assert problems[-1] == "row 4, column A (username): 'ravi' is listed twice (rows 3 and 4)"
    assert repr(password) not in str(failure.value) and "'yes'" not in str(failure.value)


def test_batch_and_course_names_are_shown_they_name_what_to_fix():
    fails('username,batches\nasha,#UPSC\n', r"column B \(batches\): '#UPSC' is not an id")


# ---------------------------------------------------------------- formula cells

@pytest.mark.parametrize('value, cell', [
    ('=HYPERLINK("http://x.example/", "click")', '"\'=HYPERLINK(""http://x.example/"", ""click"")"'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ('@SUM(1+1)', "'@SUM(1+1)"),
    ('-2+3', "'-2+3"),
    ('+91 98400 00000', "'+91 98400 00000"),
    ("'=already quoted", "''=already quoted"),
    ("'plain", "'plain"),
    ('a=b', 'a=b'),
])
def test_a_cell_a_spreadsheet_takes_as_a_formula_is_written_with_a_quote_and_read_back_without(value, cell):
    text = roster_to_csv([{'username': 'asha', 'city': value}])
    assert text == 'username,city\nasha,%s\n' % cell
    assert roster_from_csv(text) == [{'username': 'asha', 'city': value}]


def test_formula_guards_cover_usernames_items_and_custom_fields():
    entries = [{'username': '=u', 'batches': ['@b', 'c'], 'custom_fields': {'Note': '-n'}}]
    text = roster_to_csv(entries)
    assert text == "username,custom_fields.Note,batches\n'=u,'-n,'@b;c\n"
    assert roster_from_csv(text) == entries


def test_a_quote_a_person_typed_before_a_formula_in_a_spreadsheet_is_taken_off():
    assert roster_from_csv("username,phone\nasha,'+91 98400 00000\n") == [{'username': 'asha', 'phone': '+91 98400 00000'}]


# ---------------------------------------------------------------- writing

def test_the_header_is_username_then_the_keys_in_entry_order_with_the_custom_fields_sorted_after_the_profile():
    entries = [
        {'batches': ['A;B', 21, '#1', 'x\\y'], 'custom_fields': {'Zone': 'N', 'age': '9'}, 'email': 'a@example.com', 'username': 'asha'},
        {'username': 'ravi', 'is_active': False, 'expires': '2026-12-31', 'custom_fields': {'Roll': 'R, 2'}},
    ]
    assert roster_to_csv(entries) == (
        'username,email,is_active,custom_fields.age,custom_fields.Roll,custom_fields.Zone,batches,expires\n'
        'asha,a@example.com,,9,,N,A\\;B;#21;\\#1;x\\\\y,\n'
        'ravi,,false,,"R, 2",,,2026-12-31\n'
    )


def test_an_export_written_from_every_key_reads_back_the_same():
    assert roster_from_csv(roster_to_csv([FULL_ENTRY])) == [FULL_ENTRY]


def test_no_entries_is_a_header_that_reads_back_as_no_entries():
    assert roster_to_csv([]) == 'username\n'
    assert roster_from_csv(roster_to_csv([])) == []


def test_none_is_no_cell_an_empty_string_is_left_out_and_an_empty_membership_reads_back_empty():
    text = roster_to_csv([{'username': 'asha', 'first_name': '', 'last_name': None, 'batches': [], 'courses': [],
                           'city': 'Chennai'}])
    assert text == 'username,first_name,city,batches,courses\nasha,,Chennai,,\n'
    # An empty membership is an empty list (membership=exact takes away what was granted by hand), not left out.
    assert roster_from_csv(text) == [{'username': 'asha', 'city': 'Chennai', 'batches': [], 'courses': []}]


def test_an_empty_membership_cell_is_an_empty_list_only_where_the_column_is():
    assert roster_from_csv('username,batches\nasha,\nravi,UPSC\nmeena\n') == [
        {'username': 'asha', 'batches': []}, {'username': 'ravi', 'batches': ['UPSC']}, {'username': 'meena', 'batches': []}]
    assert roster_from_csv('username,city\nasha,\n') == [{'username': 'asha'}]


def test_an_absent_row_with_an_empty_membership_cell_ignores_nothing():
    entry = roster_from_csv('username,state,batches\nasha,absent,\n')[0]
    assert entry == {'username': 'asha', 'state': 'absent', 'batches': []} and RosterEntry(0, entry).ignored == []


def test_one_column_per_custom_field_however_each_entry_spells_it():
    text = roster_to_csv([{'username': 'asha', 'custom_fields': {'Roll Number': '1'}},
                          {'username': 'ravi', 'custom_fields': {'roll number': '2', 'Zone': True}}])
    assert text.splitlines()[0] == 'username,custom_fields.Roll Number,custom_fields.Zone'
    assert roster_from_csv(text) == [{'username': 'asha', 'custom_fields': {'Roll Number': '1'}},
                                     {'username': 'ravi', 'custom_fields': {'Roll Number': '2', 'Zone': 'true'}}]


def test_a_cell_with_a_line_break_or_carriage_return_is_quoted_and_lines_end_in_newline():
    text = roster_to_csv([{'username': 'asha', 'address1': 'a\rb', 'address2': 'c\nd'}])
    assert text == 'username,address1,address2\nasha,"a\rb","c\nd"\n'


@pytest.mark.parametrize('entries, message', [
    ('username\nasha\n', r'^roster_to_csv expects a list of roster entries \(dicts\), got str$'),
    ({'username': 'asha'}, r'^roster_to_csv expects a list of roster entries \(dicts\), got dict$'),
    ([{'username': 'asha'}, 'ravi'], r'^roster_to_csv: entry 2 is a str, not a dict$'),
    ([{'username': 'asha', 'nickname': 'A', 'id': 7}],
     r'^roster_to_csv: entry 1 has unknown keys id, nickname; the keys are username, state, password, '),
    ([{'username': 'asha'}, {'email': 'r@example.com'}], r'^roster_to_csv: entry 2 has no username$'),
    ([{'username': ''}], r'^roster_to_csv: entry 1 has no username$'),
    ([{'username': 'asha', 'batches': 'UPSC'}], r'^roster_to_csv: entry 1: batches must be a list'),
    ([{'username': 'asha', 'courses': [1.5]}], r'^roster_to_csv: entry 1: courses: item 1 \(1\.5\) is a float'),
    ([{'username': 'asha', 'city': ['Chennai']}], r'^roster_to_csv: entry 1: city: a list, not a single value$'),
    ([{'username': 'asha', 'custom_fields': ['Roll']}], r'^roster_to_csv: entry 1: custom_fields must be a dict'),
    ([{'username': 'asha', 'custom_fields': {'Roll': '1', 'ROLL': '2'}}],
     r"^roster_to_csv: entry 1: custom_fields: 'ROLL' is listed twice \(names are case-insensitive\)$"),
])
def test_writing_rejects_what_cannot_be_a_roster(entries, message):
    with pytest.raises(AnsibleFilterError, match=message):
        roster_to_csv(entries)


# ---------------------------------------------------------------- the round trip

# Characters a spreadsheet cell or a name must survive, mixed into any other text: CSV's own, the item
# marks, blanks, and every character that starts a formula (with the ' that guards one).
AWKWARD = st.sampled_from([',', ';', '"', "'", '\\', '#', '\n', '\r', '\t', ' ', '\ufeff', '=', '+', '-', '@'])
RAW_TEXT = st.text(st.one_of(AWKWARD, st.characters()), min_size=1, max_size=12).filter(lambda text: text.strip())
# Text as the API stores it: trimmed.
TEXT = RAW_TEXT.map(str.strip)
NAME = TEXT
ADDRESS_PART = st.text(st.characters(blacklist_characters='@', blacklist_categories=('Cc', 'Cs', 'Z')), min_size=1, max_size=8)
DATE = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31))
STATE_CODES = sorted(STATES) + sorted(OLD_STATE_CODES)


@functools.lru_cache(maxsize=None)
def values(text):
    """A strategy per entry key but custom_fields: each profile field's by its kind in the field table. Made once per
    ``text`` (the same strategies, so the same examples): a roster drawn with new strategy objects each time costs
    Hypothesis a validation of each, a fifth of these tests' time."""
    items = st.lists(st.one_of(st.integers(min_value=1, max_value=10 ** 9), text), max_size=4)
    by_kind = {
        _fields.TEXT: text,
        _fields.EMAIL: st.builds('{}@{}.{}'.format, ADDRESS_PART, ADDRESS_PART, ADDRESS_PART),
        _fields.DATE: st.one_of(DATE.map(datetime.date.isoformat), DATE.map(lambda day: day.strftime('%d/%m/%Y'))),
        _fields.STATE: st.one_of(st.sampled_from(STATE_CODES), st.sampled_from(STATE_CODES).map(str.lower)),
        _fields.FLAG: st.booleans(),
    }
    drawn = dict((field.option, by_kind[field.kind]) for field in USER_FIELDS if field.kind is not _fields.CUSTOM)
    # A phone number as a spreadsheet holds one: a leading + or - starts a formula.
    drawn['phone'] = st.one_of(text, st.from_regex(r'\A[+-][0-9]( ?[0-9]){0,11}\Z'))
    drawn.update(state=st.sampled_from(ENTRY_STATES), password=text, batches=items, courses=items,
                 expires=DATE.map(datetime.date.isoformat))
    return drawn


VALUES = values(TEXT)
# The keys an entry has, and the lists of field names and usernames a roster has: made once, as values() is.
ENTRY_KEY_SETS = st.sets(st.sampled_from(sorted(VALUES) + ['custom_fields']))
FIELD_NAME_LISTS = st.lists(NAME, unique_by=str.casefold, max_size=4)
USERNAME_LISTS = st.lists(TEXT, unique=True, max_size=5)


@st.composite
def rosters(draw, text=TEXT):
    """Rosters of every entry key; ``text`` draws the free text (usernames, names, custom fields, items)."""
    drawn = values(text)
    # Custom field names are case-insensitive: one spelling per field across the roster.
    field_names = draw(FIELD_NAME_LISTS)
    usernames = draw(USERNAME_LISTS)
    entries = []
    for username in usernames:
        entry = {'username': username}
        for key in draw(ENTRY_KEY_SETS):
            if key == 'custom_fields':
                names = draw(st.lists(st.sampled_from(field_names), unique=True, min_size=1)) if field_names else []
                if names:
                    entry[key] = dict((name, draw(text)) for name in names)
            else:
                entry[key] = draw(drawn[key])
        if 'batches' not in entry:
            # A valid entry: expires sets the end of the entry's batch subscriptions.
            entry.pop('expires', None)
        entries.append(entry)
    return entries


def trimmed(value):
    """A roster value as the API stores it."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [trimmed(item) for item in value]
    if isinstance(value, dict):
        return dict((key, trimmed(item)) for key, item in value.items())
    return value


def as_read_back(entries):
    """``entries`` as a CSV holds them: where any entry has a batches or courses column, an entry without that key
    has an empty cell there, which reads back as an empty list (an export gives every entry both keys)."""
    columns = [key for key in ('batches', 'courses') if any(key in entry for entry in entries)]
    return [dict([(key, []) for key in columns if key not in entry], **entry) for entry in entries]


def test_the_generated_rosters_cover_every_entry_key():
    assert set(VALUES) | {'username', 'custom_fields'} == set(ENTRY_KEYS)


@settings(max_examples=300, deadline=None)
@given(rosters())
def test_roster_from_csv_reads_back_what_roster_to_csv_writes(entries):
    assert roster_from_csv(roster_to_csv(entries)) == as_read_back(entries)


@settings(max_examples=100, deadline=None)
@given(rosters(text=RAW_TEXT))
def test_padded_text_is_written_and_read_back_trimmed_as_the_api_stores_it(entries):
    assert roster_from_csv(roster_to_csv(entries)) == as_read_back(trimmed(entries))


@settings(max_examples=200, deadline=None)
@given(rosters())
def test_no_cell_roster_to_csv_writes_starts_a_formula(entries):
    for cells in csv.reader(io.StringIO(roster_to_csv(entries), newline='')):
        assert not [cell for cell in cells if cell[:1] in ('=', '+', '-', '@', '\t', '\r')]


def test_a_custom_field_named_like_an_entry_key_is_its_own_column():
    entries = [{'username': 'asha', 'first_name': 'Asha', 'custom_fields': {'FIRST_NAME': 'A.'}}]
    assert roster_from_csv(roster_to_csv(entries)) == entries


def test_each_header_spelling_names_one_key_and_only_state_is_also_a_key():
    from ansible_collections.testpress.lms.plugins.module_utils._entry import KEY_ALIASES, fold
    spellings = [(fold(alias), key) for key, aliases in KEY_ALIASES.items() for alias in aliases]
    assert len(set(spelling for spelling, _key in spellings)) == len(spellings)
    assert [spelling for spelling, _key in spellings if spelling in set(fold(key) for key in ENTRY_KEYS)] == ['state']
