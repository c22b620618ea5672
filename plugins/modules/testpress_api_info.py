#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: testpress_api_info
short_description: Check what the collection assumes of the Testpress API against an institute, by reads alone
version_added: 0.1.0
description:
  - A preflight to run against a real institute before trusting it with a roster. It checks, with reads only, each
    assumption of the collection that a read can confirm (the page C(docs/api-behaviour.md) of the collection names
    the check of each one), and returns one entry of RV(checks) per check, saying what a failure would break.
  - The checks, in order. C(login) - the login works, with O(api_token) or with O(api_username) and O(api_password).
    C(admin) - the account can list the accounts of the institute (it is an institute admin).
    C(me) - C(GET /api/v2.2/me/) names the account logged in, where the institute serves it (not served is not
    a failure). C(user_list) - the user list is a page with C(count), a page size and C(next) links on the institute's
    own scheme and host, numbered so that its pages can be read in parallel. C(embedded_batches) - each account of
    the list carries its C(batches) as C({id, name}). C(staff_marked) - the list says which accounts are staff or
    admins (C(is_staff), C(is_superuser)), whom O(testpress.lms.testpress_roster#module:unlisted_users) never
    sweeps. C(user_search) - searching an account's username (C(?q=), which
    matches substrings) finds that account.
  - C(user_flags), C(user_state), C(user_birth_date), C(user_custom_fields) - one account's detail reads back
    C(is_active) and C(is_blocked), C(state) as a code or as a name beside C(state_code), C(birth_date) as
    V(DD/MM/YYYY) or V(YYYY-MM-DD), and C(custom_fields) as an object.
  - C(user_batches), C(user_courses), C(user_subscriptions) - that account's batches, courses and subscriptions
    listings answer pages of the expected items. C(batch_search), C(course_search) - searching a batch name and a
    course title finds that exact item. C(latency) - how long a read takes.
  - From the size of the user list and the latency, RV(estimate) gives the expected time of an audit and of an
    apply of the institute's size at O(concurrency).
  - Given the roster a M(testpress.lms.testpress_roster) task will apply (O(users) or O(src)) and the options that
    task runs with, RV(estimate) is of that roster instead, counted from what it manages (the accounts it creates,
    deletes or sweeps, the batches with O(testpress.lms.testpress_roster#module:users[].expires) and the courses it
    reads, the names it looks up); the user list is then read whole, as the roster reads it, to know which of its
    accounts exist. C(docs/api-behaviour.md), section "The estimate", says how it counts.
  - A check that fails does not fail the task; the task fails only when it cannot run (bad options). See
    C(playbooks/preflight.yml) for a play that prints the checks as a table and fails when a check the roster needs
    fails.
author: Testpress LMS collection contributors (@testpress)
extends_documentation_fragment:
  - testpress.lms.connection
  - testpress.lms.attributes
attributes:
  check_mode:
    support: full
    details:
      - The module only reads; it runs the same in check mode.
  diff_mode:
    support: none
  action:
    description: Has an action plugin, which runs on the controller.
    support: full
    details:
      - The action plugin reads O(src) on the controller, as M(testpress.lms.testpress_roster) reads it, and keeps the
        entries' passwords there.
options:
  username:
    description:
      - The account whose detail, batches, courses and subscriptions are read.
      - Left out, the account of the user list's first page with the most profile fields set, other than the
        account logged in.
    type: str
  concurrency:
    description:
      - The O(testpress.lms.testpress_roster#module:concurrency) the estimate is made for, from 1 to 32.
      - The checks themselves send one request at a time.
    type: int
    default: 8
  users:
    description:
      - The roster to estimate, as M(testpress.lms.testpress_roster)'s
        O(testpress.lms.testpress_roster#module:users) gives it; checked by the same rules, and the task fails
        naming each bad entry. Passwords never leave the controller.
      - Mutually exclusive with O(src).
    type: list
    elements: dict
  src:
    description:
      - The roster file to estimate, as M(testpress.lms.testpress_roster)'s
        O(testpress.lms.testpress_roster#module:src) names it (YAML, JSON or CSV on the controller).
    type: str
  unlisted_users:
    description:
      - The O(testpress.lms.testpress_roster#module:unlisted_users) the roster task runs with; V(deactivate) and
        V(delete) count a write for each account it would sweep.
    type: str
    choices: [ignore, deactivate, delete]
    default: ignore
  protected_users:
    description: The O(testpress.lms.testpress_roster#module:protected_users) the roster task runs with.
    type: list
    elements: str
    default: []
  update_password:
    description:
      - The O(testpress.lms.testpress_roster#module:update_password) the roster task runs with; V(always) counts an
        update of every existing account whose entry has a password.
    type: str
    choices: [on_create, always]
    default: on_create
notes:
  - Only C(GET) requests are sent, besides the login (C(POST /api/v2.5/auth-token/)) when O(api_token) is not
    given. Some twenty requests in all, whatever the size of the institute.
  - Assumptions that only a write can confirm (how an update or an add answers) are not checked; the collection's
    C(docs/api-behaviour.md) says which.
seealso:
  - module: testpress.lms.testpress_roster
    description: What the checks prepare for.
'''

EXAMPLES = r'''
- name: Check the institute before the first roster run
  testpress.lms.testpress_api_info:
    api_url: "{{ testpress_url }}"
    api_username: "{{ testpress_admin }}"
    api_password: "{{ testpress_admin_password }}"
    concurrency: 16
  register: preflight

- name: Show each check
  ansible.builtin.debug:
    msg: "{{ preflight.checks | map(attribute='name') | zip(preflight.checks | map(attribute='detail')) | list }}"

- name: Stop when a check the roster needs failed
  ansible.builtin.assert:
    that: preflight.checks | rejectattr('ok') | selectattr('needed_by_roster') | list | length == 0
    fail_msg: "{{ preflight.checks | rejectattr('ok') | map(attribute='name') | join(', ') }} failed"

- name: Estimate the roster the next task applies (src names a roster file instead)
  testpress.lms.testpress_api_info:
    users:
      - username: asha
        batches: [Morning Batch]
        courses: [Physics]
        expires: "2031-03-31"
      - username: ravi
        state: absent
    unlisted_users: ignore
  register: roster_preflight

- name: Say what the roster costs
  ansible.builtin.debug:
    msg: "apply: {{ roster_preflight.estimate.apply_calls }} calls, about {{ roster_preflight.estimate.apply_seconds }} s"

- name: Say how long an audit of this institute takes
  ansible.builtin.debug:
    msg: "{{ preflight.estimate.users }} accounts: an audit takes about {{ preflight.estimate.audit_seconds }} s"
  when: preflight.estimate | length > 0
'''

RETURN = r'''
checks:
  description:
    - One entry per check, in the order run. When the login fails, or the account cannot list accounts, that check
      is the last (its detail says the other checks were not run); when a later read fails, the checks that needed
      it are reported as failed and not run.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The check's name, as C(docs/api-behaviour.md) cites it.
      type: str
      sample: user_courses
    ok:
      description:
        - Whether the institute answered as the collection assumes. A check that a read could not confirm (an
          account with no birth date, for example) is V(true) with a detail starting C(not confirmed).
      type: bool
      sample: false
    detail:
      description: What was read, or the call that failed and its answer. Never a secret.
      type: str
      sample: "GET /api/v2.5/admin/users/1881/courses/: 404 Not found."
    affects:
      description: The features that a failure of this check breaks.
      type: list
      elements: str
      sample: [testpress_user_courses, "testpress_roster: courses", "testpress_user_info: include courses"]
    needed_by_roster:
      description: Whether M(testpress.lms.testpress_roster) relies on this check.
      type: bool
      sample: true
  sample:
    - name: login
      ok: true
      detail: "logged in as 'admin' at https://demo.testpress.in"
      affects: [every module]
      needed_by_roster: true
estimate:
  description:
    - How long an audit and an apply of this institute's size take at O(concurrency), from the latency of a read.
      Empty when the checks did not get as far as reading the user list and timing reads.
    - The audit is a check-mode M(testpress.lms.testpress_roster) run listing every account with its courses
      (the login, every page of the user list, one courses read per account); the apply is that plus one write per
      account, taken to cost as much as a read. It is the time of the calls alone; the work of the controller
      itself makes a run up to half as long again, and a throttle the server applies longer still; with
      O(rate_limit) set, the estimate is never faster than it allows.
  returned: always
  type: dict
  contains:
    users:
      description: The number of accounts (the user list's C(count)).
      type: int
      sample: 10000
    pages:
      description: The number of pages of the user list.
      type: int
      sample: 500
    concurrency:
      description: O(concurrency).
      type: int
      sample: 8
    read_latency_ms:
      description: The median time of a read, in milliseconds.
      type: float
      sample: 21.4
    audit_calls:
      description: The calls of the audit.
      type: int
      sample: 10501
    audit_seconds:
      description: The expected time of the audit's calls, in seconds.
      type: float
      sample: 28.1
    apply_calls:
      description: The calls of the apply.
      type: int
      sample: 20501
    apply_seconds:
      description: The expected time of the apply's calls, in seconds.
      type: float
      sample: 54.9
    roster:
      description:
        - Given a roster, what the estimate counted of it. An update of an existing account is counted only with
          O(update_password=always); each other account the audit finds different adds one to three writes.
      returned: when O(users) or O(src) is given
      type: dict
      sample: {entries: 2000, creates: 1500, existing: 500, deletes: 0, swept: 0, password_updates: 0,
               listing_reads: 1000, name_searches: 12, writes: 3000}
'''

from ansible_collections.testpress.lms.plugins.module_utils._module import TestpressModule
from ansible_collections.testpress.lms.plugins.module_utils._preflight import run_preflight


def main():
    argument_spec = dict(
        username=dict(type='str'),
        concurrency=dict(type='int', default=8),
        users=dict(type='list', elements='dict'),
        src=dict(type='str'),
        unlisted_users=dict(type='str', choices=['ignore', 'deactivate', 'delete'], default='ignore'),
        protected_users=dict(type='list', elements='str', default=[]),
        update_password=dict(type='str', choices=['on_create', 'always'], default='on_create', no_log=False),
    )
    TestpressModule(argument_spec, mutually_exclusive=[('users', 'src')]).run(run_preflight)


if __name__ == '__main__':
    main()
