# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Preflight: what the collection assumes of the Testpress API, checked against one institute by reads alone.

Each check confirms assumptions that ``docs/api-behaviour.md`` names it for, and reports
``{name, ok, detail, affects, needed_by_roster}``: ``affects`` says which features a failure breaks, and
``needed_by_roster`` whether ``testpress_roster`` relies on it. ``Preflight`` makes the reads (some twenty,
whatever the institute's size) and has ``_assumptions`` judge each answer; ``_estimate`` turns the latency of
a read into the time of an audit and an apply of the institute's size or, given a roster, of that roster (the
user list then read whole, as the roster reads it, to know which of its accounts exist).
"""

from __future__ import annotations

import statistics
import time

from ansible_collections.testpress.lms.plugins.module_utils._assumptions import (
    judge_birth_date,
    judge_custom_fields,
    judge_embedded_batches,
    judge_flags,
    judge_me,
    judge_members,
    judge_search,
    judge_staff,
    judge_state,
    judge_subscriptions,
    judge_user_list,
    judge_user_search,
    where,
)
from ansible_collections.testpress.lms.plugins.module_utils._api import USERS_PATH, TestpressAPI
from ansible_collections.testpress.lms.plugins.module_utils._entry import RosterError, validate_entries
from ansible_collections.testpress.lms.plugins.module_utils._errors import TestpressError
from ansible_collections.testpress.lms.plugins.module_utils._estimate import estimate_roster, estimate_times
from ansible_collections.testpress.lms.plugins.module_utils._membership import BATCHES, COURSES
from ansible_collections.testpress.lms.plugins.module_utils._guards import Protection
from ansible_collections.testpress.lms.plugins.module_utils._roster import checked_concurrency, read_accounts

EVERY_MODULE = 'every module'
# name: (the features a failure affects, whether testpress_roster needs the check to pass), in the order run.
CHECKS = {
    'login': ([EVERY_MODULE], True),
    'admin': ([EVERY_MODULE], True),
    'me': (['testpress_roster: knowing the account an api_token belongs to, which is never deactivated or deleted'], False),
    'user_list': (['testpress_roster', 'testpress_user_info', 'every lookup of an account by username'], True),
    'embedded_batches': (['testpress_roster: batches', 'testpress_user_info: include batches'], True),
    'staff_marked': (['testpress_roster: unlisted_users deactivate and delete spare staff and admin accounts'], False),
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
# What a failed login or admin check adds: the checks after it are not listed (one cause, one line).
STOPPED = 'the other checks need it and were not run'
# Reads of one account timed for the latency: their median leaves out a first connection's handshake.
LATENCY_READS = 5
# What a read that failed gives (a read may answer None).
FAILED = object()


def check(name, ok, detail):
    affects, needed = CHECKS[name]
    return {'name': name, 'ok': bool(ok), 'detail': detail, 'affects': list(affects), 'needed_by_roster': needed}


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

    def stop(self, name, detail):
        """A failed login or admin check: one check, one line; the others need it and are not listed."""
        return self.add(name, False, '%s (%s)' % (detail, STOPPED))

    def log_in(self):
        client = self.api.client
        if self.params.get('api_token'):
            return True
        try:
            client.login()
        except TestpressError as err:
            return self.stop('login', str(err))
        return self.add('login', True, 'logged in as %r at %s' % (self.params['api_username'], where(client.base_url)))

    def first_page(self):
        """The first page of the user list, which also proves (or not) a token's login and admin reach;
        None when it failed, the checks after it then not run."""
        client, token = self.api.client, self.params.get('api_token')
        try:
            page = client.get(USERS_PATH)
        except TestpressError as err:
            if err.status == 401 and token:
                self.stop('login', str(err))
            else:
                if token:
                    self.add('login', True, 'api_token accepted at %s' % where(client.base_url))
                self.stop('admin', 'the account logs in but cannot list accounts: %s' % err if err.status in (401, 403)
                          else str(err))
            return None
        if token:
            self.add('login', True, 'api_token accepted at %s' % where(client.base_url))
        self.add('admin', True, 'the account lists the accounts of the institute')
        return page

    def run(self):
        if not self.log_in():
            return self.checks
        page = self.first_page()
        if page is None:
            return self.checks
        me = self.attempt('me', self.api.me)
        if me is not FAILED:
            self.add('me', *judge_me(me, self.params.get('api_username')))
        ok, detail, self.facts = judge_user_list(page, self.api.client.base_url)
        self.add('user_list', ok, detail)
        if self.facts is None:
            self.skip_rest('the user list is not usable')
            return self.checks
        self.add('embedded_batches', *judge_embedded_batches(page['results']))
        self.add('staff_marked', *judge_staff(page['results']))
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

    def estimate(self, concurrency, rate_limit=None, entries=None):
        """Of the institute's size, or of the roster's ``entries`` (``validate_entries``) when given."""
        if self.facts is None or self.latency is None:
            return {}
        if entries is None:
            return estimate_times(self.facts['users'], self.facts['per_page'], self.latency, concurrency,
                                  self.facts['parallel'], rate_limit)
        params = self.params
        accounts = read_accounts(self.api, concurrency)
        options = {'unlisted_users': params['unlisted_users'], 'update_password': params['update_password'],
                   'protection': Protection(params).resolve(accounts)}
        return estimate_roster(entries, accounts, self.facts, self.latency, concurrency, options, rate_limit)


def run_preflight(module):
    """``testpress_api_info``: every check, and the estimate; reads only, so the same in check mode. Given a
    roster, its entries are checked as the roster checks them before anything is read."""
    params = module.params
    concurrency = checked_concurrency(params['concurrency'])
    entries = None
    if params.get('users') is not None:
        entries, problems = validate_entries(params['users'], params['update_password'])
        if problems:
            raise RosterError(problems)
    api = module.api
    # Every check is a read, in check mode or not: the client refuses any write (the login is no write).
    api.client.read_only = True
    preflight = Preflight(api, params)
    checks = preflight.run()
    module.exit(False, checks=checks, estimate=preflight.estimate(concurrency, params.get('rate_limit'), entries))
