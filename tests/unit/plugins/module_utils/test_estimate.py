# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_estimate: the calls a roster task makes, counted from what the roster manages."""

from __future__ import annotations

from ansible_collections.testpress.lms.plugins.module_utils._entry import validate_entries
from ansible_collections.testpress.lms.plugins.module_utils._estimate import estimate_roster, roster_calls, span
from ansible_collections.testpress.lms.plugins.module_utils._guards import Protection

OPTIONS = {'unlisted_users': 'ignore', 'update_password': 'on_create', 'protection': Protection({'api_username': 'admin'})}
FACTS = {'users': 4, 'per_page': 20, 'parallel': True}


def accounts(*records):
    return dict((record['username'], dict({'id': number + 1, 'batches': []}, **record)) for number, record in enumerate(records))


def entries(*raw):
    found, problems = validate_entries(list(raw))
    assert problems == []
    return found


def test_work_is_shared_among_the_workers_but_never_shorter_than_its_longest_item():
    assert span([], 8) == 0
    assert span([1] * 100, 8) == 13
    assert span([2, 1], 8) == 2
    assert span([1] * 5, 1) == 5


def test_creates_existing_accounts_deletes_and_sweeps_are_counted_from_the_roster():
    institute = accounts({'username': 'admin', 'is_staff': True}, {'username': 'asha'}, {'username': 'old'},
                         {'username': 'gone', 'is_active': False}, {'username': 'ravi'})
    roster = entries(
        {'username': 'asha', 'courses': ['Course 01'], 'batches': ['Batch 01'], 'expires': '2031-03-31'},
        {'username': 'new-by-name', 'batches': ['Batch 01'], 'courses': ['Course 02']},
        {'username': 'new-by-id', 'batches': [3], 'is_active': False},
        {'username': 'ravi', 'state': 'absent'},
        {'username': 'never', 'state': 'absent'})
    counted = roster_calls(roster, institute, dict(OPTIONS, unlisted_users='deactivate'))
    # asha: her courses, and with expires her batches and subscriptions; the embedded batches need no read.
    assert counted['reads'] == [2, 1]
    # new-by-name: create (batches in it) and courses; new-by-id: create, the update is_active needs, batches by id;
    # ravi deleted; old swept (admin is protected and staff, gone already inactive).
    assert sorted(counted['writes']) == [1, 1, 2, 3]
    assert (counted['creates'], counted['existing'], counted['deletes'], counted['swept']) == (2, 1, 1, 1)
    assert counted['lookups'] == {'batches': 2, 'courses': 2}


def test_the_estimate_adds_the_login_the_pages_and_the_searches():
    institute = accounts({'username': 'asha'})
    estimate = estimate_roster(entries({'username': 'asha', 'courses': ['Course 01']}, {'username': 'new'}),
                               institute, FACTS, 0.02, 8, OPTIONS)
    assert (estimate['audit_calls'], estimate['apply_calls']) == (1 + 1 + 1 + 1, 4 + 1)
    assert estimate['audit_seconds'] == 0.08 and estimate['apply_seconds'] == 0.1
    limited = estimate_roster(entries({'username': 'new'}), institute, FACTS, 0.02, 8, OPTIONS, rate_limit=1)
    assert limited['apply_seconds'] == 3.0
    always = roster_calls(entries({'username': 'asha', 'password': 'x' * 12}), institute,
                          dict(OPTIONS, update_password='always'))
    assert always['writes'] == [1] and always['password_updates'] == 1
