# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Preflight: what the collection assumes of the Testpress API, checked against one institute by reads alone.

Each check confirms assumptions that ``docs/api-behaviour.md`` names it for, and reports
``{name, ok, detail, affects, needed_by_roster}``: ``affects`` says which features a failure breaks, and
``needed_by_roster`` whether ``testpress_roster`` relies on it. The ``judge_*`` functions are pure: an
answer in, ``(ok, detail)`` out. ``run_preflight`` makes the reads (a handful, whatever the institute's
size) and estimates an audit and an apply of this institute's size from the latency of a read.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from urllib.parse import urlsplit

from ansible_collections.testpress.lms.plugins.module_utils._client import USERS_PATH, TestpressAPI, _page_urls
from ansible_collections.testpress.lms.plugins.module_utils._errors import TestpressError
from ansible_collections.testpress.lms.plugins.module_utils._membership import BATCHES, COURSES, pick
from ansible_collections.testpress.lms.plugins.module_utils._roster import EMBEDDED_BATCHES_LIMIT, checked_concurrency
from ansible_collections.testpress.lms.plugins.module_utils._users import OLD_STATE_CODES, STATE, STATES

EVERY_MODULE = 'every module'
# name: (the features a failure affects, whether testpress_roster needs the check to pass), in the order run.
CHECKS = {
    'login': ([EVERY_MODULE], True),
    'admin': ([EVERY_MODULE], True),
    'me': (['testpress_roster: knowing the account an api_token belongs to, which is never deactivated or deleted'], False),
    'user_list': (['testpress_roster', 'testpress_user_info', 'every lookup of an account by username'], True),
    'embedded_batches': (['testpress_roster: batches', 'testpress_user_info: include batches'], True),
    'user_search': (['finding an account by username (testpress_user, the membership modules, testpress_user_info)'], False),
    'user_flags': (['is_active and is_blocked (testpress_user, testpress_roster)'], True),
    'user_state': (['state_code (testpress_user, testpress_roster, testpress_user_info)'], True),
    'user_birth_date': (['birth_date (testpress_user, testpress_roster, testpress_user_info)'], True),
    'user_custom_fields': (['custom_fields (testpress_user, testpress_roster, testpress_user_info)'], True),
    'user_batches': (['testpress_user_batches', 'testpress_roster: batches of an account with 20 or more, and expires',
                      'testpress_user_info: include batches'], True),
    'user_courses': (['testpress_user_courses', 'testpress_roster: courses', 'testpress_user_info: include courses'], True),
    'user_subscriptions': (['expires (testpress_user_batches, testpress_roster)', 'testpress_user_info: include expires'], True),
    'batch_search': (['batches given by name (testpress_user_batches, testpress_roster)'], True),
    'course_search': (['courses given by title or slug (testpress_user_courses, testpress_roster)'], True),
    'latency': (['the estimate'], False),
}
ME_PATH = '/api/v2.2/me/'
# Reads of one account timed for the latency: their median leaves out a first connection's handshake.
LATENCY_READS = 5
SPELLINGS = (('DD/MM/YYYY', '%d/%m/%Y'), ('YYYY-MM-DD', '%Y-%m-%d'))
NOT_SERVED = (404, 405)
# What a read that failed gives (a read may answer None).
FAILED = object()


def check(name, ok, detail):
    affects, needed = CHECKS[name]
    return {'name': name, 'ok': bool(ok), 'detail': detail, 'affects': list(affects), 'needed_by_roster': needed}


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _where(url):
    parts = urlsplit(url)
    return '%s://%s' % (parts.scheme, parts.netloc)


# ---------------------------------------------------------------- judging answers (pure)

def judge_user_list(page, api_url):
    """The first page of the user list: ``(ok, detail, facts)``; facts has ``users``, ``per_page`` and
    ``parallel`` (whether the later pages can be read in parallel), or is None when the page is unusable."""
    if not isinstance(page, dict) or not isinstance(page.get('results'), list):
        return False, 'the answer is not a page of accounts (no results list)', None
    results, count, next_url = page['results'], page.get('count'), page.get('next')
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
        if _where(next_url) != _where(api_url):
            notes.append('next links point to %s, not to api_url (%s): only their query is used, on api_url'
                         % (_where(next_url), _where(api_url)))
        parallel = bool(_page_urls(page, per_page))
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
    for label, spelling in SPELLINGS:
        try:
            time.strptime(str(value), spelling)
        except ValueError:
            continue
        return True, 'read back as %s (%s)' % (label, value)
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


def estimate_times(users, per_page, latency, concurrency, parallel=True, rate_limit=None):
    """Calls and seconds of an audit and an apply of ``users`` accounts, from the ``latency`` of one read.

    audit: the login, the user list (its first page, then the others ``concurrency`` at a time, or one
    after another) and one courses read per account. apply: the audit plus one write per account,
    taken to cost a read. With ``rate_limit`` (calls/s), no faster than it allows.
    """
    pages = max(1, math.ceil(users / max(1, per_page)))
    per_account = users * latency / concurrency
    audit_calls = 1 + pages + users
    audit = latency * 2 + (pages - 1) * latency / (concurrency if parallel else 1) + per_account
    apply_calls = audit_calls + users
    applied = audit + per_account
    if rate_limit:
        audit, applied = max(audit, audit_calls / rate_limit), max(applied, apply_calls / rate_limit)
    return {'users': users, 'pages': pages, 'concurrency': concurrency, 'read_latency_ms': round(latency * 1000, 2),
            'audit_calls': audit_calls, 'audit_seconds': round(audit, 3),
            'apply_calls': apply_calls, 'apply_seconds': round(applied, 3)}


# ---------------------------------------------------------------- reading the institute

def pick_account(results, login):
    """The account of the first page to look at: not the login account, the most profile fields set."""
    def filled(record):
        return sum(1 for field in ('state', 'birth_date', 'custom_fields', 'batches') if record.get(field))
    others = [record for record in results if record.get('username') != login] or list(results)
    return max(others, key=filled) if others else None


class Preflight:
    """The checks, run in order; a check that fails stops those that cannot run without it."""

    def __init__(self, api, params, clock=time.monotonic):
        self.api = api
        self.params = params
        self.clock = clock
        self.checks = []
        self.facts = None
        self.latency = None

    def add(self, name, ok, detail):
        self.checks.append(check(name, ok, detail))
        return ok

    def skip_rest(self, reason):
        done = set(item['name'] for item in self.checks)
        for name in CHECKS:
            if name not in done:
                self.add(name, False, 'not run: %s' % reason)

    def attempt(self, name, read):
        """What ``read()`` answers; a read that fails fails the check ``name`` and gives FAILED."""
        try:
            return read()
        except TestpressError as err:
            self.add(name, False, str(err))
            return FAILED

    def log_in(self):
        client = self.api.client
        if self.params.get('api_token'):
            return True
        try:
            client.login()
        except TestpressError as err:
            return self.add('login', False, str(err))
        return self.add('login', True, 'logged in as %r at %s' % (self.params['api_username'], _where(client.base_url)))

    def first_page(self):
        """The first page of the user list, which also proves (or not) a token's login and admin reach;
        None when it failed, the checks after it then not run."""
        client, token = self.api.client, self.params.get('api_token')
        try:
            page = client.get(USERS_PATH)
        except TestpressError as err:
            if err.status == 401 and token:
                self.add('login', False, str(err))
                self.skip_rest('the login failed')
            else:
                self.add('admin', False, 'the account logs in but cannot list accounts (not an institute admin): %s' % err
                         if err.status in (401, 403) else str(err))
                self.skip_rest('the account cannot list the accounts of the institute')
            return None
        if token:
            self.add('login', True, 'api_token accepted at %s' % _where(client.base_url))
        self.add('admin', True, 'the account lists the accounts of the institute')
        return page

    def read_me(self):
        try:
            return self.api.client.get(ME_PATH)
        except TestpressError as err:
            if err.status in NOT_SERVED:
                return None
            raise

    def run(self):
        if not self.log_in():
            self.skip_rest('the login failed')
            return self.checks
        page = self.first_page()
        if page is None:
            return self.checks
        me = self.attempt('me', self.read_me)
        if me is not FAILED:
            self.add('me', *judge_me(me, self.params.get('api_username')))
        ok, detail, self.facts = judge_user_list(page, self.api.client.base_url)
        self.add('user_list', ok, detail)
        if self.facts is None:
            self.skip_rest('the user list is not usable')
            return self.checks
        self.add('embedded_batches', *judge_embedded_batches(page['results']))
        login = self.params.get('api_username') or (me.get('username') if isinstance(me, dict) else None)
        self.read_account(page['results'], login)
        return self.checks

    def read_account(self, results, login):
        chosen = self.find_account(results, login)
        if chosen is None:
            self.skip_rest('no account to read')
            return
        user_id = chosen['id']
        record = self.attempt('user_flags', lambda: self.api.get_user(user_id))
        if record is FAILED:
            self.skip_rest('the account %r could not be read' % chosen.get('username'))
            return
        self.add('user_flags', *judge_flags(record))
        self.add('user_state', *judge_state(record))
        self.add('user_birth_date', *judge_birth_date(record))
        self.add('user_custom_fields', *judge_custom_fields(record))
        embedded = chosen.get('batches') if isinstance(chosen.get('batches'), list) else None
        batches = self.attempt('user_batches', lambda: self.api.list_members('batches', user_id))
        if batches is not FAILED:
            self.add('user_batches', *judge_members(BATCHES, batches, embedded))
        courses = self.attempt('user_courses', lambda: self.api.list_members('courses', user_id))
        if courses is not FAILED:
            self.add('user_courses', *judge_members(COURSES, courses))
        subscriptions = self.attempt('user_subscriptions', lambda: self.api.list_subscriptions(user_id))
        if subscriptions is not FAILED:
            self.add('user_subscriptions', *judge_subscriptions(subscriptions))
        self.search(BATCHES, batches if batches is not FAILED and batches else embedded)
        self.search(COURSES, courses if courses is not FAILED else None)
        self.time_reads(user_id)

    def find_account(self, results, login):
        """The account to read (``username``, or one of the first page), found by the search ``user_search`` checks."""
        chosen = None if self.params.get('username') else pick_account(results, login)
        username = self.params.get('username') or (chosen or {}).get('username')
        if not username:
            return None
        page = self.attempt('user_search', lambda: self.api.client.get(USERS_PATH, {'q': username}))
        if page is FAILED:
            return chosen
        ok, detail, record = judge_user_search(username, page)
        self.add('user_search', ok, detail)
        return chosen or record

    def search(self, kind, known):
        """Search the catalogue for a name the account holds, or else for the first item of the catalogue."""
        name = '%s_search' % kind.singular
        if not known:
            page = self.attempt(name, lambda: self.api.client.get(TestpressAPI.CATALOGUE[kind.option][0]))
            if page is FAILED:
                return
            known = page.get('results') if isinstance(page, dict) else None
        text = kind.name(known[0]) if known and isinstance(known[0], dict) else None
        found = self.attempt(name, lambda: self.api.search_catalogue(kind.option, text)) if text else []
        if found is not FAILED:
            self.add(name, *judge_search(kind, text, found))

    def time_reads(self, user_id):
        samples = []
        for _read in range(LATENCY_READS):
            start = self.clock()
            if self.attempt('latency', lambda: self.api.get_user(user_id)) is FAILED:
                return
            samples.append(self.clock() - start)
        self.latency = statistics.median(samples)
        self.add('latency', True, 'a read takes %.1f ms (the median of %d)' % (self.latency * 1000, len(samples)))

    def estimate(self, concurrency, rate_limit=None):
        if self.facts is None or self.latency is None:
            return {}
        return estimate_times(self.facts['users'], self.facts['per_page'], self.latency, concurrency,
                              self.facts['parallel'], rate_limit)


def run_preflight(module):
    """``testpress_api_info``: every check, and the estimate; reads only, so the same in check mode."""
    params = module.params
    concurrency = checked_concurrency(params['concurrency'])
    preflight = Preflight(module.api, params)
    checks = preflight.run()
    module.exit(False, checks=checks, estimate=preflight.estimate(concurrency, params.get('rate_limit')))
