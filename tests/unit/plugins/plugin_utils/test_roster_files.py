# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The roster file reader: YAML read as the safe loader reads it, each top-level entry's line noted; JSON read an
entry at a time as ``json`` reads it whole; the checked entries handed to the module as an entries file."""

from __future__ import annotations

import datetime
import json

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from ansible_collections.testpress.lms.plugins.module_utils._entry import ENTRIES_FILE, ENTRY_KEYS, entry_lines, read_entry_lines
from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError
from ansible_collections.testpress.lms.plugins.module_utils._files import write_private
from ansible_collections.testpress.lms.plugins.plugin_utils._roster_formats import check_bounds, load_yaml
from ansible_collections.testpress.lms.plugins.plugin_utils._roster_files import (
    RosterFile,
    RosterFileError,
    dump_roster,
    parse_mode,
    read_roster,
)

SAMPLES = [
    '- {a: 1, b: [1, 2, x], c: null, d: ~, e: , f: yes, g: 2020-01-01, h: "1", i: 1.5, j: 0x1F, k: .inf}\n',
    '- username: asha\n  batches: [UPSC Morning Batch, 27]\n  is_active: off\n  zip: 600001\n  phone: "+91 98400"\n',
    '- &base {city: Chennai, state_code: IN-TN}\n- *base\n',
    '- {<<: {city: Chennai, zip: "1"}, zip: "2"}\n',
    '- a: !!str 1\n',
    '---\n- a\n...\n',
    '[]\n',
    '',
    '- "quoted: yes"\n- \'single\'\n- plain text with: colon inside? no\n',
    '- |\n  a block\n  of text\n- >\n  folded\n  text\n',
    '- {yes: no, 1: 2, null: ~}\n',
    '- Null\n- NULL\n- True\n- On\n- -1\n- +1\n- .5\n- 1_000\n- 1:30\n- 2001-12-14t21:59:43.10-05:00\n- =\n',
    '- {a: 1}\n---\n- {b: 2}\n',
]


@pytest.mark.parametrize('text', SAMPLES)
def test_yaml_reads_as_the_safe_loader_reads_it(text):
    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError:
        with pytest.raises(RosterFileError, match='not valid YAML'):
            load_yaml(text, 'roster.yml')
        return
    assert load_yaml(text, 'roster.yml')[0] == expected


def test_yaml_notes_the_line_of_each_entry():
    text = '# a comment\n- username: asha\n  city: Chennai\n\n- username: ravi\n- {username: meena}\n'
    entries, lines = load_yaml(text, 'roster.yml')
    assert [entry['username'] for entry in entries] == ['asha', 'ravi', 'meena'] and lines == [2, 5, 6]
    roster = RosterFile('roster.yml', entries, lines=lines)
    assert roster.name_entries('users[1] (ravi): bad; first at users[0]') == \
        'roster.yml, entry 2 at line 5 (ravi): bad; first at roster.yml, entry 1 at line 2'


def test_a_yaml_error_names_the_line_and_not_its_text():
    with pytest.raises(RosterFileError) as raised:
        load_yaml('- username: asha\n  password: Hunter2-prod: oops\n', 'roster.yml')
    assert 'roster.yml, line 2' in str(raised.value) and 'Hunter2' not in str(raised.value)


TEXT = st.text(st.characters(blacklist_categories=('Cs',)), max_size=12)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10 ** 6, 10 ** 6), TEXT, st.dates(),
                    st.floats(allow_nan=False, width=32))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(TEXT, inner, max_size=3)), max_leaves=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(TEXT, VALUES, max_size=4), max_size=4), st.booleans())
def test_any_dumped_yaml_reads_back_as_the_safe_loader_reads_it(entries, flow):
    text = yaml.safe_dump(entries, default_flow_style=flow, allow_unicode=True)
    assert load_yaml(text, 'roster.yml')[0] == yaml.safe_load(text)


def test_a_written_yaml_roster_reads_back():
    entries = [{'username': 'asha', 'birth_date': '2007-04-12', 'zip': '600001', 'is_active': True,
                'batches': ['UPSC Morning Batch', 27], 'custom_fields': {'Roll Number': '2026-041'}}]
    assert load_yaml(dump_roster(entries, 'yaml'), 'roster.yml')[0] == entries
    assert not isinstance(load_yaml(dump_roster(entries, 'yaml'), 'roster.yml')[0][0]['birth_date'], datetime.date)


@pytest.mark.parametrize('given_mode, expected', [('0640', 0o640), ('600', 0o600), (0o644, 0o644), (None, None)])
def test_modes(given_mode, expected):
    assert parse_mode(given_mode) == expected


def test_a_symbolic_mode_is_refused():
    with pytest.raises(RosterFileError, match='octal'):
        parse_mode('u=rw')


# A "billion laughs": nine levels of nine aliases, under 600 bytes that a reader walking them meets as 10**9 nodes.
LAUGHS = ''.join('%s: &%s [%s]\n' % (key, key, ', '.join(['*' + previous] * 9 if previous else ['"lol"'] * 9))
                 for previous, key in zip([None, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], 'abcdefghi'))


def roster_file(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding='utf-8')
    return str(path)


def test_yaml_aliases_expanding_past_the_bound_are_refused_naming_the_file(tmp_path):
    text = '- ' + LAUGHS.replace('\n', '\n  ')
    assert len(text) < 600
    with pytest.raises(RosterFileError) as raised:
        read_roster(roster_file(tmp_path, 'laughs.yml', text), 'rosters/laughs.yml')
    assert str(raised.value).startswith('rosters/laughs.yml: its YAML aliases') and 'lol' not in str(raised.value)


def test_an_alias_inside_itself_is_refused():
    with pytest.raises(RosterFileError, match='endless'):
        check_bounds(load_yaml('- &x [*x]\n', 'roster.yml')[0], 'roster.yml')


def test_a_block_repeated_by_aliases_a_few_times_is_read(tmp_path):
    text = '- &base {username: asha, city: Chennai, state_code: IN-TN}\n' + ''.join(
        '- {<<: *base, username: s%d}\n' % number for number in range(200))
    roster = read_roster(roster_file(tmp_path, 'merge.yml', text), 'merge.yml')
    assert len(roster.entries) == 201 and roster.entries[-1] == {'username': 's199', 'city': 'Chennai', 'state_code': 'IN-TN'}


@pytest.mark.parametrize('kind, text', [
    ('json', '[' * 5000 + ']' * 5000),
    ('json', '[{"username": "asha", "custom_fields": ' + '{"a": ' * 100 + '1' + '}' * 100 + '}]'),
    ('yml', '- ' + '[' * 5000 + ']' * 5000 + '\n'),
])
def test_a_file_nested_deep_is_a_clean_error_naming_it(tmp_path, kind, text):
    with pytest.raises(RosterFileError) as raised:
        list(read_roster(roster_file(tmp_path, 'deep.' + kind, text), 'deep.' + kind).entries)
    assert str(raised.value).startswith('deep.%s' % kind) and 'nest' in str(raised.value)


JSON_VALUES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-10 ** 6, 10 ** 6), TEXT,
                                     st.floats(allow_nan=False, allow_infinity=False)),
                           lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
                           max_leaves=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(JSON_VALUES, max_size=5), st.sampled_from([None, 0, 2, '\t']), st.sampled_from(['', ' \n', '\r\n\t']))
def test_a_json_roster_read_entry_by_entry_reads_as_json_reads_it(tmp_path_factory, entries, indent, blank):
    text = blank + json.dumps(entries, indent=indent) + blank
    path = roster_file(tmp_path_factory.mktemp('json'), 'roster.json', text)
    assert list(read_roster(path, 'roster.json').entries) == json.loads(text)


@pytest.mark.parametrize('text', ['', '{"username": "asha"}', '"asha"', '[{"username": "asha"},]', '[{"username": "asha"}',
                                  '[{"username": "asha"} {"username": "ravi"}]', '[{"username": "asha"}] []',
                                  '[\n  {"username": "asha",\n   "password": "Hunter2-prod" oops}\n]', '\ufeff[]', '[1 2]'])
def test_a_json_roster_that_is_no_list_or_no_json_fails_as_json_says_naming_the_place_not_the_text(tmp_path, text):
    path = roster_file(tmp_path, 'roster.json', text)
    with pytest.raises(RosterFileError) as raised:
        list(read_roster(path, 'roster.json').entries)
    message = str(raised.value)
    try:
        expected = json.loads(text)
    except ValueError as err:
        assert message == 'roster.json, line %d, column %d: not valid JSON: %s' % (err.lineno, err.colno, err.msg)
    else:
        assert message == 'roster.json: a roster file holds a list of entries (one per account), not a %s' % type(expected).__name__
    assert 'Hunter2' not in message


def test_the_checked_entries_cross_to_the_module_as_an_entries_file_and_read_back_with_every_key(tmp_path):
    roster = RosterFile('roster.json', [{'username': 'asha', 'is_active': 'yes', 'zip': 600001, 'batches': ['A', 3]},
                                        {'username': 'ravi', 'emial': 'r@example.com'},
                                        {'username': 'meena', 'birth_date': datetime.date(2007, 4, 12), 'password': 'S3cret!'}])
    path = str(tmp_path / ENTRIES_FILE)
    write_private(path, entry_lines(roster.checked()))
    assert roster.valid() == [0, 2] and [text for _order, text in roster.problems] == [
        'roster.json, entry 2 (ravi): not a roster entry key: emial (did you mean email?)']
    read = list(read_entry_lines(path))
    assert [set(entry) for entry in read] == [set(ENTRY_KEYS)] * 2
    assert read[0]['is_active'] is True and read[0]['zip'] == '600001' and read[0]['batches'] == ['A', 3]
    assert read[1]['birth_date'] == '2007-04-12' and read[1]['password'] == 'S3cret!' and read[1]['email'] is None


def test_an_entries_file_the_action_did_not_write_is_refused_naming_the_line_not_its_text(tmp_path):
    path = tmp_path / ENTRIES_FILE
    path.write_text('{"username": "asha"}\n{"username": "ravi", "password": "Hunter2-prod", "emial": "x"}\n', encoding='utf-8')
    with pytest.raises(InputError) as raised:
        list(read_entry_lines(str(path)))
    assert 'line 2 of %s' % path in str(raised.value) and 'emial' in str(raised.value)
    assert 'Hunter2' not in str(raised.value)
