# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""journal_markdown: a write journal as a "changes applied" report; each call once, as it ended; nothing renders."""

from __future__ import annotations

import json

import pytest
from ansible.errors import AnsibleFilterError
from markdown_it import MarkdownIt

from ansible_collections.testpress.lms.plugins.filter.journal import FilterModule, journal_markdown


def line(run, call, outcome, account='asha', action='create', fields=None, **extra):
    return dict({'time': '2026-12-04T17:15:%02d.000Z' % call, 'run': run, 'call': call, 'module': 'testpress_roster',
                 'account': account, 'action': action, 'method': 'POST', 'path': '/api/v2.5/admin/users/',
                 'fields': fields if fields is not None else {'username': account, 'email': 'a@example.com',
                                                              'batches': ['UPSC']},
                 'outcome': outcome}, **extra)


JOURNAL = [
    line('r1', 1, 'sent', secret_fields=['password']), line('r1', 1, 'done', secret_fields=['password']),
    line('r2', 1, 'sent', 'ravi', 'update', {'username': 'ravi', 'city': '<b>x</b>'}),
    line('r2', 1, 'failed', 'ravi', 'update', {'username': 'ravi', 'city': '<b>x</b>'}, status=400,
         reason='PUT /api/v2.5/admin/users/7/: 400 city: too long'),
    line('r2', 2, 'sent', 'meena'), line('r2', 2, 'unknown', 'meena', reason='no answer'),
    line('r2', 2, 'done', 'meena', recovery='read back: applied'),
    line('r2', 3, 'sent', 'gopal'),
]
TEXT = '\n'.join(json.dumps(entry) for entry in JOURNAL) + '\n'


def test_every_call_once_as_it_ended_with_its_fields_and_never_a_password_value():
    report = journal_markdown(TEXT)
    assert '**4 writes to 4 accounts** in 2 runs' in report
    assert '2 done, 1 failed, 0 unknown, 1 without an outcome (in flight when the run stopped)' in report
    assert '| `asha` | `create` | email `a@example.com`; batches `UPSC`; password (set, not recorded) | done |' in report
    assert 'failed: `PUT /api/v2.5/admin/users/7/: 400 city: too long`' in report
    assert 'done (read back: applied)' in report and 'sent, no outcome: the run stopped' in report
    html = MarkdownIt('commonmark').enable('table').render(report)
    assert '<b>' not in html and '&lt;b&gt;x&lt;/b&gt;' in html


def test_one_run_or_the_last_and_a_list_of_lines_or_parsed_lines():
    last = journal_markdown(TEXT.splitlines(), run='last')
    assert last == journal_markdown(JOURNAL, run='r2') and 'asha' not in last
    assert 'in run `r2` of testpress_roster' in last
    assert '`asha`' in journal_markdown(JOURNAL, run='r1')


def test_redact_names_personal_fields_without_values_and_the_limits_count_what_is_left():
    assert 'email (set)' in journal_markdown(JOURNAL, redact=True) and 'a@example.com' not in journal_markdown(JOURNAL, redact=True)
    short = journal_markdown(JOURNAL, max_rows=1)
    assert short.count('| 2026-') == 1 and short.rstrip().endswith('… and 3 more writes: see the journal itself.')
    assert journal_markdown([]) == '# Changes applied\n\n**No writes** in the journal.\n'


@pytest.mark.parametrize('journal, options, message', [
    (42, {}, 'expects a journal'),
    (json.dumps(JOURNAL[0]) + '\nnot json', {}, 'line 2 is not JSON'),
    ('{"run": "r1"}', {}, 'line 1 is not a journal line'),
    (JOURNAL, {'run': 'r9'}, 'no run `r9` in the journal; its runs, the last one last: r1, r2'),
    (JOURNAL, {'redact': 'yes'}, 'redact must be true or false'),
    (JOURNAL, {'max_chars': 10}, 'journal_markdown: max_chars must be a whole number of at least 1000'),
])
def test_a_wrong_input_fails_naming_the_line_or_option(journal, options, message):
    with pytest.raises(AnsibleFilterError, match=message.replace('(', r'\(')):
        journal_markdown(journal, **options)


def test_the_filter_is_registered():
    assert FilterModule().filters() == {'journal_markdown': journal_markdown}
