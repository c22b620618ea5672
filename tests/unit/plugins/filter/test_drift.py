# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The drift report filters: a roster result as rows for tools, and as Markdown a pull request comment takes.

The Markdown is read back with markdown-it-py (CommonMark with GitHub's tables) to prove what renders.
"""

from __future__ import annotations

import re

import pytest
from ansible.errors import AnsibleFilterError
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from ansible_collections.testpress.lms.plugins.filter.drift import FilterModule, drift_markdown, drift_report
from ansible_collections.testpress.lms.plugins.module_utils._redact import redacted_result
from ansible_collections.testpress.lms.plugins.module_utils._users import PERSONAL_OPTIONS

SUMMARY = {'created': 1, 'updated': 1, 'deleted': 1, 'deactivated': 1, 'unchanged': 7, 'failed': 0}
CHANGES = [
    {'username': 'ann', 'action': 'create', 'before': {},
     'after': {'username': 'ann', 'city': 'Salem', 'password': '********'},
     'batches': {'added': ['UPSC'], 'expires': '2031-03-31'}},
    {'username': 'bob', 'action': 'update',
     'before': {'city': 'A|B', 'phone': '', 'custom_fields': {'Roll': '1', 'Zone': 'N'}},
     'after': {'city': 'line\nbreak', 'phone': '+91 98400 00000', 'custom_fields': {'Roll': '2', 'Zone': 'N', 'New': 'x'}},
     'courses': {'removed': ['TD']}, 'batches': {'expiry_updated': ['UPSC'], 'expires': '2031-03-31'}},
    {'username': 'cid', 'action': 'delete'},
    {'username': 'dev', 'action': 'deactivate', 'before': {'is_active': True}, 'after': {'is_active': False}},
]
RESULT = {'summary': SUMMARY, 'changes': CHANGES}
HOSTILE = ['<img src=https://x.example/p.png> @testpress/admins [win](javascript:alert(1))',
           '=HYPERLINK("http://x.example/", "click")', '+cmd|\' /C calc\'!A0', '@SUM(1+1)', '**bold** _it_ ~~s~~',
           '`tick` ``two``', '`', 'a\\|b', '<!-- x -->', '&lt;b&gt;', '![i](https://x.example/i.png)',
           'https://x.example/auto www.x.example', ':smile: #12 GH-1', 'line\r\nbreak\u2028here', '| --- |']

MARKDOWN = MarkdownIt('commonmark').enable('table')


def table_cells(markdown):
    """Each body row of the report's table as a list of cells, each cell the list of its inline tokens."""
    tokens = MARKDOWN.parse(markdown)
    rows, row, in_body = [], None, False
    for token in tokens:
        if token.type == 'tbody_open':
            in_body = True
        elif token.type == 'tr_open' and in_body:
            row = []
        elif token.type == 'tr_close' and in_body:
            rows.append(row)
        elif token.type == 'inline' and row is not None and in_body:
            row.append(token.children)
    return rows


def update_of(value, field='city', username='eve'):
    return {'summary': dict(SUMMARY, updated=1), 'changes': [
        {'username': username, 'action': 'update', 'before': {field: value}, 'after': {field: 'x'}}]}


# ---------------------------------------------------------------- drift_report: every change, as data

def test_every_difference_is_one_row_with_null_for_an_empty_value():
    report = drift_report(RESULT)
    assert report['clean'] is False and report['accounts'] == 4 and report['redacted'] is False
    assert report['summary'] == SUMMARY
    assert report['rows'] == [
        {'user': 'ann', 'what': 'account', 'platform': None, 'roster': 'created'},
        {'user': 'ann', 'what': 'city', 'platform': None, 'roster': 'Salem'},
        {'user': 'ann', 'what': 'password', 'platform': None, 'roster': '********'},
        {'user': 'ann', 'what': 'batches', 'item': 'UPSC', 'platform': 'not a member', 'roster': 'member until 2031-03-31'},
        {'user': 'bob', 'what': 'city', 'platform': 'A|B', 'roster': 'line\nbreak'},
        {'user': 'bob', 'what': 'phone', 'platform': None, 'roster': '+91 98400 00000'},
        {'user': 'bob', 'what': 'custom_fields', 'item': 'Roll', 'platform': '1', 'roster': '2'},
        {'user': 'bob', 'what': 'custom_fields', 'item': 'New', 'platform': None, 'roster': 'x'},
        {'user': 'bob', 'what': 'batches', 'item': 'UPSC', 'platform': 'member, another end date',
         'roster': 'member until 2031-03-31'},
        {'user': 'bob', 'what': 'courses', 'item': 'TD', 'platform': 'member', 'roster': 'not a member'},
        {'user': 'cid', 'what': 'account', 'platform': 'exists', 'roster': 'deleted'},
        {'user': 'dev', 'what': 'account', 'platform': 'active', 'roster': 'deactivated (not in the roster)'},
    ]


def test_an_absent_entry_names_the_options_its_deletion_ignores():
    change = {'username': 'cid', 'action': 'delete', 'ignored': ['city', 'email']}
    result = {'summary': SUMMARY, 'changes': [change]}
    assert drift_report(result)['rows'] == [
        {'user': 'cid', 'what': 'account', 'platform': 'exists', 'roster': 'deleted', 'ignored': ['city', 'email']}]
    assert '| `cid` | account | exists | deleted (state absent; its other options are not applied: city, email) |' \
        in drift_markdown(result)


def test_custom_field_names_compare_without_regard_to_case():
    change = {'username': 'eve', 'action': 'update', 'before': {'custom_fields': {'roll': '1'}},
              'after': {'custom_fields': {'Roll': '1', 'Zone': ''}}}
    assert drift_report({'summary': SUMMARY, 'changes': [change]})['rows'] == []


def test_flags_stay_booleans_and_a_membership_without_expiry_is_plain_member():
    changes = [{'username': 'eve', 'action': 'update', 'before': {'is_blocked': False}, 'after': {'is_blocked': True},
                'batches': {'added': ['A'], 'removed': ['B']}}]
    assert drift_report({'summary': SUMMARY, 'changes': changes})['rows'] == [
        {'user': 'eve', 'what': 'is_blocked', 'platform': False, 'roster': True},
        {'user': 'eve', 'what': 'batches', 'item': 'A', 'platform': 'not a member', 'roster': 'member'},
        {'user': 'eve', 'what': 'batches', 'item': 'B', 'platform': 'member', 'roster': 'not a member'},
    ]


def test_redact_shows_personal_fields_as_differs_and_keeps_empty_as_null():
    report = drift_report(RESULT, redact=True)
    assert report['redacted'] is True
    rows = dict(((row['user'], row['what'], row.get('item')), row) for row in report['rows'])
    assert rows[('ann', 'city', None)] == {'user': 'ann', 'what': 'city', 'platform': None, 'roster': 'differs', 'redacted': True}
    assert rows[('bob', 'city', None)] == {'user': 'bob', 'what': 'city', 'platform': 'differs', 'roster': 'differs', 'redacted': True}
    assert rows[('bob', 'phone', None)]['roster'] == 'differs'
    assert rows[('bob', 'custom_fields', 'Roll')] == {'user': 'bob', 'what': 'custom_fields', 'item': 'Roll',
                                                      'platform': 'differs', 'roster': 'differs', 'redacted': True}
    assert rows[('bob', 'custom_fields', 'New')]['platform'] is None
    assert 'Salem' not in repr(report) and '98400' not in repr(report) and 'A|B' not in repr(report)


def custom_field_update_of(value, username='eve'):
    return {'summary': dict(SUMMARY, updated=1), 'changes': [
        {'username': username, 'action': 'update', 'before': {'custom_fields': {'Parent Phone': 'old-' + value}},
         'after': {'custom_fields': {'Parent Phone': value}}}]}


@pytest.mark.parametrize('field', PERSONAL_OPTIONS)
def test_redact_covers_every_personal_field_of_the_table(field):
    result = custom_field_update_of('private-value') if field == 'custom_fields' else update_of('private-value', field)
    what = 'custom field `Parent Phone`' if field == 'custom_fields' else field
    markdown = drift_markdown(result, redact=True)
    assert 'private-value' not in markdown and '| `eve` | %s | differs | differs |' % what in markdown
    assert 'private-value' not in repr(drift_report(result, redact=True))


@pytest.mark.parametrize('field', PERSONAL_OPTIONS)
def test_a_result_the_roster_redacted_reports_as_redact_does(field):
    """A roster task with redact: true masked its values; both filters still find each change, and redact it
    whatever their own redact says."""
    result = custom_field_update_of('private-value') if field == 'custom_fields' else update_of('private-value', field)
    masked = redacted_result(result)
    assert 'private-value' not in repr(masked)
    for redact in (False, True):
        assert drift_report(masked, redact=redact) == drift_report(result, redact=True)
        assert drift_markdown(masked, redact=redact) == drift_markdown(result, redact=True)


@pytest.mark.parametrize('bad', [None, 'text', {'changes': []}, {'summary': {}}, {'summary': {}, 'changes': 'x'}])
def test_anything_but_a_roster_result_fails_clearly(bad):
    with pytest.raises(AnsibleFilterError, match='^drift_report: expects the registered result of a testpress.lms.testpress_roster task$'):
        drift_report(bad)


@pytest.mark.parametrize('call', [lambda: drift_report(RESULT, redact='yes'), lambda: drift_markdown(RESULT, redact=1)])
def test_redact_is_a_boolean(call):
    with pytest.raises(AnsibleFilterError, match='^drift_report: redact must be true or false, got '):
        call()


def test_the_filters_are_registered_under_their_names():
    assert FilterModule().filters() == {'drift_report': drift_report, 'drift_markdown': drift_markdown}


# ---------------------------------------------------------------- drift_markdown: wording

def test_markdown_counts_on_top_one_line_per_created_deleted_or_deactivated_account_and_rows_for_updates():
    markdown = drift_markdown(RESULT)
    assert markdown == (
        '# Roster drift report\n\n'
        '**4 accounts differ** from the roster (1 created, 1 updated, 1 deleted, 1 deactivated, 7 unchanged, 0 failed).\n\n'
        '| user | what differs | platform | roster |\n'
        '| --- | --- | --- | --- |\n'
        '| `ann` | account | *none* | created: 2 fields, 1 batch |\n'
        '| `bob` | city | `A\\|B` | `line break` |\n'
        '| `bob` | phone | *empty* | `+91 98400 00000` |\n'
        '| `bob` | custom field `Roll` | `1` | `2` |\n'
        '| `bob` | custom field `New` | *empty* | `x` |\n'
        '| `bob` | batch `UPSC` | member, another end date | member until 2031-03-31 |\n'
        '| `bob` | course `TD` | member | not a member |\n'
        '| `cid` | account | exists | deleted |\n'
        '| `dev` | account | active | deactivated (not in the roster) |\n'
    )


def test_one_account_differs_in_the_singular():
    markdown = drift_markdown(update_of('a'))
    assert '**1 account differs** from the roster (' in markdown


def test_a_clean_audit_says_no_drift_with_every_count():
    markdown = drift_markdown({'summary': dict(SUMMARY, created=0), 'changes': []}, title='Nightly audit')
    assert markdown == ('# Nightly audit\n\n**No drift**: the platform matches the roster '
                        '(0 created, 1 updated, 1 deleted, 1 deactivated, 7 unchanged, 0 failed).\n')


def test_the_wording_has_no_placeholder_rows():
    markdown = drift_markdown(RESULT) + repr(drift_report(RESULT))
    for awkward in ('(none)', '(empty)', 'end date of the added', 'is_active (not in the roster)', '1 accounts'):
        assert awkward not in markdown


# ---------------------------------------------------------------- drift_markdown: every value is text

@pytest.mark.parametrize('value', HOSTILE)
def test_a_hostile_value_renders_as_code_and_nothing_else(value):
    result = {'summary': SUMMARY, 'changes': [
        {'username': value, 'action': 'update', 'before': {'address1': value, 'custom_fields': {value: ''}},
         'after': {'address1': 'x', 'custom_fields': {value: value}}, 'batches': {'added': [value]}}]}
    markdown = drift_markdown(result)
    outside_table = [token.type for token in MARKDOWN.parse(markdown) if token.type.startswith(('html', 'hr'))]
    assert outside_table == []
    rows = table_cells(markdown)
    assert len(rows) == 3 and all(len(row) == 4 for row in rows)
    ours = {'address1', 'custom field ', 'batch ', 'not a member', 'member', 'empty'}
    kinds = set(child.type for row in rows for cell in row for child in cell)
    assert kinds <= {'text', 'code_inline', 'em_open', 'em_close'}
    assert all(child.content in ours for row in rows for cell in row for child in cell if child.type == 'text')
    shown = re.sub(r'[\r\n\u2028]+', ' ', value)
    codes = [child.content for row in rows for cell in row for child in cell if child.type == 'code_inline']
    # the user (3 rows), the old address, the custom field's name (row 2) and value, the batch name
    assert codes.count(shown) == 7, codes


def test_no_emphasis_except_our_own_empty_marker():
    markdown = drift_markdown(update_of(''))
    kinds = [child.type for token in MARKDOWN.parse(markdown) if token.type == 'inline' for child in token.children]
    assert kinds.count('em_open') == 1 and '*empty*' in markdown


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_any_text_is_one_code_span_in_its_own_cell(value):
    rows = table_cells(drift_markdown(update_of(value, username='u')))
    assert len(rows) == 1 and len(rows[0]) == 4
    platform = rows[0][2]
    assert [child.type for child in platform] == ['code_inline']
    # Line breaks are spaces; CommonMark reads NUL as U+FFFD.
    expected = re.sub(r'[\r\n\u2028\u2029\x85\x0b\x0c]+', ' ', value).replace('\x00', '\ufffd')
    assert platform[0].content == expected


# ---------------------------------------------------------------- drift_markdown: the size a comment takes

def onboarding(count):
    changes = [{'username': 'student%05d' % number, 'action': 'create', 'before': {},
                'after': {'username': 'student%05d' % number, 'first_name': 'Student', 'last_name': 'Number %d' % number,
                          'email': 's%d@example.com' % number, 'phone': '+91 98400 %05d' % number, 'city': 'Chennai',
                          'birth_date': '2008-04-12', 'state_code': 'IN-TN', 'password': '********'},
                'batches': {'added': ['UPSC Morning Batch', 'Foundation 2027'], 'expires': '2027-03-31'},
                'courses': {'added': ['Polity', 'History']}} for number in range(count)]
    return {'summary': dict(SUMMARY, created=count, updated=0, deleted=0, deactivated=0), 'changes': changes}


def test_a_2000_student_onboarding_fits_a_pull_request_comment_and_the_json_keeps_all():
    result = onboarding(2000)
    markdown = drift_markdown(result)
    assert len(markdown) <= 65536
    lines = markdown.splitlines()
    created = [line for line in lines if line.startswith('| `student')]
    assert created[0] == '| `student00000` | account | *none* | created: 8 fields, 2 batches, 2 courses |'
    assert lines[-1] == '… and %d more accounts: see drift-report.json' % (2000 - len(created))
    assert '**2000 accounts differ** from the roster (2000 created, ' in markdown
    report = drift_report(result)
    assert report['accounts'] == 2000 and len([row for row in report['rows'] if row['what'] == 'account']) == 2000
    assert len(report['rows']) == 2000 * 13  # the account, 8 fields, 2 batches, 2 courses


def test_the_row_and_size_limits_are_options_and_whole_accounts_are_shown():
    result = onboarding(30)
    markdown = drift_markdown(result, max_rows=10, full_report='reports/audit.json')
    assert len([line for line in markdown.splitlines() if line.startswith('| `student')]) == 10
    assert markdown.endswith('\n\n… and 20 more accounts: see reports/audit.json\n')
    small = drift_markdown(result, max_chars=1000)
    assert len(small) <= 1000 and small.endswith(' more accounts: see drift-report.json\n')
    updates = {'summary': SUMMARY, 'changes': [CHANGES[1], CHANGES[1]]}
    assert drift_markdown(updates, max_rows=7).count('| `bob` |') == 6
    assert drift_markdown(updates, max_rows=7).endswith('… and 1 more account: see drift-report.json\n')
    nothing = drift_markdown(updates, max_rows=0)
    assert '| user |' not in nothing and nothing.endswith('(1 created, 1 updated, 1 deleted, 1 deactivated, 7 unchanged, '
                                                          '0 failed).\n\n… and 2 more accounts: see drift-report.json\n')


@pytest.mark.parametrize('count', [1, 5, 40, 400])
@pytest.mark.parametrize('max_chars', [1000, 4096, 65536])
def test_the_report_never_exceeds_its_size(count, max_chars):
    markdown = drift_markdown(onboarding(count), max_chars=max_chars)
    assert len(markdown) <= max_chars


@pytest.mark.parametrize('options, message', [
    ({'max_rows': -1}, "max_rows must be a whole number of at least 0, got -1"),
    ({'max_rows': '10'}, "max_rows must be a whole number of at least 0, got '10'"),
    ({'max_chars': 999}, "max_chars must be a whole number of at least 1000, got 999"),
    ({'max_chars': True}, "max_chars must be a whole number of at least 1000, got True"),
])
def test_bad_limits_fail_clearly(options, message):
    with pytest.raises(AnsibleFilterError, match='^drift_markdown: %s$' % message):
        drift_markdown(RESULT, **options)


def test_a_saved_plan_is_named_by_its_digest_in_both_reports():
    saved = dict(RESULT, plan_digest='3f9a0c1d5e7b2a46')
    assert drift_report(saved)['plan_digest'] == '3f9a0c1d5e7b2a46' and 'plan_digest' not in drift_report(RESULT)
    assert '\nSaved plan `3f9a0c1d5e7b2a46`: applied exactly as shown here, or not at all.\n' in drift_markdown(saved)
    clean = drift_markdown(dict(saved, changes=[]))
    assert 'Saved plan `3f9a0c1d5e7b2a46`' in clean and '**No drift**' in clean


def test_a_plan_a_guard_blocked_is_rendered_under_its_own_heading_with_the_plan_below():
    guard = {'removals': 30, 'deleted': 0, 'deactivated': 29, 'locked_out': 0, 'memberships_removed': 1,
             'exceeded': [{'option': 'max_removals', 'limit': 25, 'needed': 30},
                          {'option': 'max_removals_percent', 'limit': 10, 'needed': 91}]}
    markdown = drift_markdown(dict(RESULT, failed=True, msg='the roster would remove 30 ...', guard=guard))
    assert markdown.startswith('# Roster drift report\n\n## Blocked by a guard\n\nNothing was changed: the plan below '
                               'removes more than the guard allows (30 removals: 0 accounts deleted, 29 deactivated, '
                               '0 locked out, 1 memberships removed). To apply it on purpose, raise `max_removals` to 30, '
                               '`max_removals_percent` to 91.\n\n**4 accounts differ** from the roster')
    assert markdown.split('**4 accounts differ**')[1] == drift_markdown(RESULT).split('**4 accounts differ**')[1]
    assert 'Blocked by a guard' not in drift_markdown(RESULT)


def test_an_applied_result_says_what_changed_and_names_its_backup():
    applied = dict(RESULT, applied=True, backup_file='backups/demo-20261204T171500Z-3f9a2c.yml')
    report = drift_markdown(applied)
    assert report.startswith('# Roster changes applied\n\n**4 accounts changed** by the roster (1 created, ')
    assert 'drift' not in report.lower() and '| user | what changed | before | after |' in report
    assert 'Backup of these accounts as they were: `backups/demo-20261204T171500Z-3f9a2c.yml`' in report
    one = dict(applied, changes=CHANGES[:1])
    assert '**1 account changed** by the roster' in drift_markdown(one)
    assert '**No changes applied**' in drift_markdown(dict(applied, changes=[]))
    assert drift_markdown(dict(RESULT, applied=False)) == drift_markdown(RESULT)
