#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: testpress_user_info
short_description: Read Testpress accounts, their batches and courses, in the shape of a roster
version_added: 0.1.0
description:
  - Reads accounts of a Testpress institute, one or all of them, and returns each as an entry of
    M(testpress.lms.testpress_roster)'s O(testpress.lms.testpress_roster#module:users), normalised as the roster
    writes it (dates as V(YYYY-MM-DD), states as codes; no id, URL, images or password hash; empty fields left out).
  - So RV(users) written to a file is a roster, and applying it with M(testpress.lms.testpress_roster) changes
    nothing (an export, committed to git, is the start of GitOps).
  - Reads every page of the user list, in parallel once the first page gives the count; batches come from the
    list itself, and one read per user is made only for courses, subscription end dates, or a user with so many
    batches that the list may have cut them.
  - Never changes anything; runs the same in check mode.
author: Testpress LMS collection contributors (@testpress)
extends_documentation_fragment:
  - testpress.lms.connection
  - testpress.lms.attributes
  - testpress.lms.progress
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
      - The action plugin writes O(dest) on the controller.
options:
  username:
    description: Only the account with exactly this username.
    type: str
  email:
    description: Only the accounts with this email address (compared without regard to case).
    type: str
  user_id:
    description: Only the account with this id.
    type: int
  search:
    description:
      - Only the accounts the API's search finds for this text, which matches usernames B(and) emails as a
        substring (V(john) also finds C(johnny)).
      - Without O(username), O(email), O(user_id) and O(search), every account of the institute is returned.
    type: str
  include:
    description:
      - What to read besides the profile. V(batches) adds each account's batch names, V(courses) its course titles.
      - V(expires) adds C(expires), the end date of the account's batch subscriptions when they all end on one date
        (a roster entry has one end date for all its batches), and implies V(batches).
      - An item whose name is shared by two items among those read is given by its id, so that the export
        applies unambiguously.
    type: list
    elements: str
    choices: [batches, courses, expires]
    default: []
  concurrency:
    description: How many requests are kept in flight at once, from 1 to 32.
    type: int
    default: 8
  dest:
    description:
      - Write the accounts found to this roster file on the controller, instead of returning them in RV(users).
        A C(.yml), C(.yaml) or C(.json) file holds a list of entries; a C(.csv) file is a spreadsheet written by the
        P(testpress.lms.roster_to_csv#filter) filter. M(testpress.lms.testpress_roster) applies it as it is,
        with O(testpress.lms.testpress_roster#module:src), and changes nothing.
      - A relative path is relative to the playbook's directory. The directory must exist.
      - The file holds students' personal data, so it is written readable by its owner only (V(0600)) unless
        O(mode) says otherwise, whatever file stood there before, and replaced whole, never left half-written.
        A symbolic link at O(dest) is refused.
      - The task reports C(changed) when the file's content (or mode) changed. In check mode it is not written.
    type: str
  redact:
    description:
      - Mask every personal value of the accounts in RV(users) and in the task's own arguments, so that C(-v) output
        and AWX or ansible-runner job events hold none. The field names stay, and an empty value stays empty.
      # BEGIN generated: personal fields (make docs writes this from the personal column of _users.USER_FIELDS)
      - Personal fields are C(email), C(birth_date), C(address1), C(address2), C(city), C(zip),
        C(state_code), C(phone) and C(custom_fields).
      # END generated: personal fields
      - The file O(dest) names holds the values themselves (it is an export to apply again); only the task's result
        is masked.
    type: bool
    default: false
  mode:
    description:
      - The mode of the file O(dest) names, as an octal string such as V("0640"). Left out, the file is
        V(0600), an existing file's mode included.
    type: raw
notes:
  - Only C(GET) requests are sent.
seealso:
  - module: testpress.lms.testpress_roster
    description: Apply what this module exports.
  - plugin: testpress.lms.roster_to_csv
    plugin_type: filter
    description: Write the export as a spreadsheet.
'''

EXAMPLES = r'''
- name: Export every account, with its batches and courses, as a roster file that testpress_roster applies with no change
  testpress.lms.testpress_user_info:
    api_url: "{{ testpress_url }}"
    api_username: "{{ testpress_admin }}"
    api_password: "{{ testpress_admin_password }}"
    include: [batches, courses, expires]
    # Beside the playbook, readable by its owner only; rosters/export.csv would write a spreadsheet.
    dest: rosters/export.yml

- name: Look one student up by email
  testpress.lms.testpress_user_info:
    api_url: "{{ testpress_url }}"
    api_username: "{{ testpress_admin }}"
    api_password: "{{ testpress_admin_password }}"
    email: asha@example.com
    include: [batches]
  register: found

- name: Show the student's batches
  ansible.builtin.debug:
    msg: "{{ found.users[0].batches | default([]) }}"
  when: found.count == 1
'''

RETURN = r'''
users:
  description:
    - The accounts found, sorted by username, each an entry of O(testpress.lms.testpress_roster#module:users).
    - Profile fields that are empty are left out; C(is_active) and C(is_blocked) are always given.
  returned: when O(dest) is not given
  type: list
  elements: dict
  sample:
    - username: asha
      first_name: Asha
      last_name: Raman
      email: asha@example.com
      birth_date: "2007-04-12"
      state_code: IN-TN
      is_active: true
      is_blocked: false
      custom_fields: {Roll Number: "2026-041"}
      batches: [UPSC Morning Batch]
      courses: [Master of Business Administration]
      expires: "2031-03-31"
count:
  description: How many accounts were found.
  returned: always
  type: int
  sample: 1
redacted:
  description: True when personal values are masked (O(redact=true)).
  returned: when O(redact=true)
  type: bool
  sample: true
dest:
  description: The roster file written, as an absolute path.
  returned: when O(dest) is given
  type: str
  sample: /srv/gitops/playbooks/rosters/export.yml
'''

from ansible_collections.testpress.lms.plugins.module_utils._module import TestpressModule
from ansible_collections.testpress.lms.plugins.module_utils._progress import progress_argument_spec
from ansible_collections.testpress.lms.plugins.module_utils._tasks import run_user_info


def main():
    argument_spec = dict(
        username=dict(type='str'),
        email=dict(type='str'),
        user_id=dict(type='int'),
        search=dict(type='str'),
        include=dict(type='list', elements='str', choices=['batches', 'courses', 'expires'], default=[]),
        concurrency=dict(type='int', default=8),
        dest=dict(type='str'),
        mode=dict(type='raw'),
        redact=dict(type='bool', default=False),
        **progress_argument_spec()
    )
    TestpressModule(argument_spec, mutually_exclusive=[('username', 'email', 'user_id', 'search')]).run(run_user_info)


if __name__ == '__main__':
    main()
