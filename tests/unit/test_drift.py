# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The drift report filters: a roster result as rows a reviewer reads, and as Markdown."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.testpress.lms.plugins.filter.drift import drift_markdown, drift_report

SUMMARY = {'created': 1, 'updated': 1, 'deleted': 1, 'deactivated': 1, 'unchanged': 7, 'failed': 0}
CHANGES = [
    {'username': 'ann', 'action': 'create', 'before': {},
     'after': {'username': 'ann', 'city': 'Salem', 'password': '********'},
     'batches': {'added': ['UPSC'], 'expires': '2031-03-31'}},
    {'username': 'bob', 'action': 'update', 'before': {'city': 'A|B'}, 'after': {'city': 'line\nbreak'},
     'courses': {'removed': ['TD']}, 'batches': {'expiry_updated': ['UPSC'], 'expires': '2031-03-31'}},
    {'username': 'cid', 'action': 'delete'},
    {'username': 'dev', 'action': 'deactivate', 'before': {'is_active': True}, 'after': {'is_active': False}},
]


def test_every_difference_is_one_row():
    report = drift_report({'summary': SUMMARY, 'changes': CHANGES})
    assert report['clean'] is False and report['accounts'] == 4
    assert [tuple(row.values()) for row in report['rows']] == [
        ('ann', 'account', '(none)', 'created'),
        ('ann', 'city', '(none)', 'Salem'),
        ('ann', 'password', '(none)', '********'),
        ('ann', 'batches: UPSC', 'not a member', 'member'),
        ('ann', 'batches: end date of the added', '(none)', '2031-03-31'),
        ('bob', 'city', 'A|B', 'line\nbreak'),
        ('bob', 'batches: UPSC', 'another end date', 'ends 2031-03-31'),
        ('bob', 'courses: TD', 'member', 'not a member'),
        ('cid', 'account', 'exists', 'deleted'),
        ('dev', 'is_active (not in the roster)', 'true', 'false'),
    ]


def test_markdown_escapes_cells_and_counts_on_top():
    markdown = drift_markdown({'summary': SUMMARY, 'changes': CHANGES})
    assert '**4 accounts differ** from the roster (created 1, updated 1, deleted 1, deactivated 1, unchanged 7, failed 0).' in markdown
    assert '| bob | city | A\\|B | line break |' in markdown


def test_a_clean_audit_says_no_drift():
    markdown = drift_markdown({'summary': dict(SUMMARY, created=0), 'changes': []}, title='Nightly audit')
    assert markdown.startswith('# Nightly audit\n\n**No drift**: the platform matches the roster')


@pytest.mark.parametrize('bad', [None, 'text', {'changes': []}, {'summary': {}}])
def test_anything_but_a_roster_result_fails_clearly(bad):
    with pytest.raises(AnsibleFilterError, match='testpress_roster'):
        drift_report(bad)
