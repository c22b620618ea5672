# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the collection assumes of the Testpress API's answers, as pure judgements for the preflight.

Each ``judge_*`` takes an answer (a page, a record, a listing) and returns ``(ok, detail)``: whether it is
shaped and spelt as the collection reads it, and in words what was seen. ``docs/api-behaviour.md`` lists
the assumptions; ``_preflight`` makes the reads and names the checks.
"""

from __future__ import annotations

import json
import math
from urllib.parse import urlsplit

from ansible_collections.testpress.lms.plugins.module_utils import _dates
from ansible_collections.testpress.lms.plugins.module_utils._pages import page_urls
from ansible_collections.testpress.lms.plugins.module_utils._membership import BATCHES, pick
from ansible_collections.testpress.lms.plugins.module_utils._guards import is_staff, unmarked
from ansible_collections.testpress.lms.plugins.module_utils._roster import EMBEDDED_BATCHES_LIMIT
from ansible_collections.testpress.lms.plugins.module_utils._fields import OLD_STATE_CODES, STATE, STATES

SPELLING_NAMES = {_dates.DAY_FIRST: 'DD/MM/YYYY', _dates.ISO: 'YYYY-MM-DD'}


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def where(url):
    parts = urlsplit(url)
    return '%s://%s' % (parts.scheme, parts.netloc)


def judge_user_list(page, api_url):
    """The first page of the user list: ``(ok, detail, facts)``; facts has ``users``, ``per_page`` and
    ``parallel`` (whether the later pages can be read in parallel), or is None when the page is unusable."""
    if not isinstance(page, dict) or not isinstance(page.get('results'), list):
        return False, 'the answer is not a page of accounts (no results list)', None
    results, count, next_url = page['results'], page.get('count'), page.get('next')
    for record in results:
        if not isinstance(record, dict) or not _is_int(record.get('id')) or not isinstance(record.get('username'), str):
            return False, 'an account of the page has no id or no username: %r' % (
                sorted(record) if isinstance(record, dict) else record,), None
    if not _is_int(count):
        return False, 'the page has no count of accounts: the audit cannot size the list', None
    if next_url is not None and not isinstance(next_url, str):
        return False, 'the next link is not a URL: %r' % (next_url,), None
    per_page = page.get('per_page') if _is_int(page.get('per_page')) and page.get('per_page') > 0 else len(results)
    if count > len(results) and not next_url:
        return False, 'count says %d accounts but the first page holds %d and has no next link' % (count, len(results)), None
    notes = []
    parallel = True
    if next_url:
        if where(next_url) != where(api_url):
            notes.append('next links point to %s, not to api_url (%s): only their query is used, on api_url'
                         % (where(next_url), where(api_url)))
        parallel = bool(page_urls(page, per_page))
        if not parallel:
            notes.append('the next link has no page number 2: the pages are read one after another')
    pages = max(1, math.ceil(count / per_page)) if per_page else 1
    detail = '%d accounts, %d a page, %d page%s' % (count, per_page, pages, '' if pages == 1 else 's')
    if next_url and not notes:
        detail += '; next links on api_url, numbered: pages read in parallel'
    facts = {'users': count, 'per_page': per_page or 1, 'parallel': parallel}
    return True, '; '.join([detail] + notes), facts


def _named_items(items, kind):
    """Why ``items`` are not a list of records with an id and a name of ``kind``, or None."""
    field = kind.name_fields[0]
    if not isinstance(items, list):
        return 'not a list but %s' % type(items).__name__
    for item in items:
        if not isinstance(item, dict) or not _is_int(item.get('id')) or not isinstance(item.get(field), str):
            return 'an item is not {id, %s}: %r' % (field, item if not isinstance(item, dict) else sorted(item))
    return None


def judge_embedded_batches(results):
    """Every account of the list's first page carries ``batches`` as ``{id, name}`` records."""
    if not results:
        return True, 'not confirmed: the first page holds no account'
    for record in results:
        if 'batches' not in record:
            return False, 'the user list does not embed batches (account %r has no batches field)' % record.get('username')
        wrong = _named_items(record['batches'], BATCHES)
        if wrong:
            return False, 'the batches embedded for account %r: %s' % (record.get('username'), wrong)
    most = max(len(record['batches']) for record in results)
    return True, '%d accounts each carry their batches as {id, name}, up to %d' % (len(results), most)


def judge_staff(results):
    """Every account of the list's first page says whether it is staff or an admin (``_guards.unmarked``, by
    which the roster's sweep decides too)."""
    if not results:
        return True, 'not confirmed: the first page holds no account'
    record = unmarked(results)
    if record is not None:
        return False, ('the user list does not say which accounts are staff (account %r has neither is_staff nor '
                       'is_superuser): list every staff account in protected_users' % record.get('username'))
    staff = sum(1 for record in results if is_staff(record))
    return True, '%d of the %d accounts of the first page are marked staff or admin' % (staff, len(results))


def judge_user_search(username, page):
    """The first page of ``?q=USERNAME``: ``(ok, detail, the account)``; the search matches substrings, so the
    account is the result whose username is exactly ``username``."""
    results = page.get('results') if isinstance(page, dict) else None
    if not isinstance(results, list):
        return False, 'searching %r: the answer is not a page of accounts' % username, None
    exact = [record for record in results if isinstance(record, dict) and record.get('username') == username]
    many = '%d result%s' % (len(results), '' if len(results) == 1 else 's')
    if exact:
        return True, 'searching %r finds the account among %s' % (username, many), exact[0]
    if page.get('next'):
        return True, 'not confirmed: searching %r gives more than a page; the account is not on the first' % username, None
    return False, 'searching %r does not find that account among %s' % (username, many), None


def judge_flags(record):
    missing = [field for field in ('is_active', 'is_blocked') if field not in record]
    if missing:
        return False, ('account %r reads back without %s: a task that sets it reports a change on every run'
                       % (record.get('username'), ' and '.join(missing)))
    return True, 'read back: is_active %s, is_blocked %s' % (json.dumps(record['is_active']), json.dumps(record['is_blocked']))


def judge_state(record):
    state, code = record.get('state'), record.get('state_code')
    if not state and not code:
        return True, 'not confirmed: account %r has no state' % record.get('username')
    text = str(state or '').strip()
    if text.upper() in STATES or text.upper() in OLD_STATE_CODES:
        return True, 'read back as a code (%s)' % text
    if code and STATE.canonical(code):
        return True, 'read back as a name (%r) with state_code %s beside it; codes are compared' % (text, code)
    if STATE.canonical(text):
        return True, 'read back as a name (%r) without state_code; compared as the code %s' % (text, STATE.canonical(text))
    return False, 'state reads back as %r, neither an ISO 3166-2:IN code nor a known state name' % (state,)


def judge_birth_date(record):
    value = record.get('birth_date')
    if value in (None, ''):
        return True, 'not confirmed: account %r has no birth date' % record.get('username')
    text = str(value).strip()
    spelling = next((spelling for spelling, shape in _dates.SPELLINGS if shape.match(text)), None)
    if spelling and _dates.parse(text):
        return True, 'read back as %s (%s)' % (SPELLING_NAMES[spelling], value)
    return False, 'birth_date reads back as %r, neither DD/MM/YYYY nor YYYY-MM-DD' % (value,)


def judge_custom_fields(record):
    value = record.get('custom_fields')
    if not isinstance(value, dict):
        return False, 'account %r reads back without a custom_fields object (%s)' % (record.get('username'), type(value).__name__)
    return True, 'an object of %d field%s' % (len(value), '' if len(value) == 1 else 's')


def judge_members(kind, items, embedded=None):
    """A user's listing of ``kind`` (every page); ``embedded`` (batches only): what the user list carried."""
    wrong = _named_items(items, kind)
    if wrong:
        return False, 'the listing of %s: %s' % (kind.option, wrong)
    detail = 'a page of {id, %s}: %d item%s' % (kind.name_fields[0], len(items), '' if len(items) == 1 else 's')
    if embedded is not None:
        listed, carried = set(item['id'] for item in items), set(item['id'] for item in embedded)
        if len(embedded) < EMBEDDED_BATCHES_LIMIT and listed != carried:
            return False, 'the user list embeds %d batches for the account but its listing has %d, not the same' % (
                len(carried), len(listed))
        detail += ', as the user list embeds them' if listed == carried else ', of which the user list embeds %d' % len(carried)
    if not items:
        detail += ' (the shape of an item not seen)'
    return True, detail


def judge_subscriptions(items):
    for item in items:
        batch = item.get('batch') if isinstance(item, dict) else None
        if not isinstance(batch, dict) or not _is_int(batch.get('id')) or 'expires' not in item:
            return False, 'a subscription is not {id, batch: {id, name}, expires}: %r' % (item,)
        if item['expires'] not in (None, '') and not _dates.read(item['expires']):
            return False, 'a subscription ends on %r, not a date' % (item['expires'],)
    detail = 'a page of {id, batch, expires}: %d item%s' % (len(items), '' if len(items) == 1 else 's')
    return True, detail if items else detail + ' (the shape of an item not seen)'


def judge_search(kind, text, found):
    if text is None:
        return True, 'not confirmed: the institute has no %s to search for' % kind.option
    record, problem = pick(kind, text, found)
    if record is None:
        return False, 'searching %r: %s' % (text, problem)
    return True, 'searching %r finds it exactly among %d result%s' % (text, len(found), '' if len(found) == 1 else 's')


def judge_me(answer, username):
    """``GET /api/v2.2/me/``: None when the institute does not serve it."""
    if answer is None:
        return True, 'not served: the account an api_token belongs to is read from the token itself'
    if not isinstance(answer, dict) or not answer.get('username'):
        return False, 'the answer names no account'
    if username and answer['username'] != username:
        return False, 'names %r, not the account logged in (%r)' % (answer['username'], username)
    return True, 'names the account %r (id %s)' % (answer['username'], answer.get('id'))
