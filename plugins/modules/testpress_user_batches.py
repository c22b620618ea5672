#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: testpress_user_batches
short_description: Manage the batches a Testpress user belongs to, and their subscription end dates
version_added: 0.1.0
description:
  - Adds a user of a Testpress institute to batches, removes it from batches, or makes its batches exactly
    the listed ones; optionally sets when the listed batch subscriptions end.
  - Reads the user's batches first (every page) and sends only what differs, in at most one call that adds
    and one call that removes, never a call with an empty list. A second run sends no write and reports no change.
  - Every batch name is looked up and checked before the first write; an unknown or ambiguous name fails the task
    and changes nothing.
author: Testpress LMS collection contributors (@testpress)
extends_documentation_fragment:
  - testpress.lms.connection
  - testpress.lms.journal
  - testpress.lms.attributes
options:
  username:
    description:
      - The user's exact username (the API's user search matches substrings; the module picks the exact match).
      - Exactly one of O(username) and O(user_id) is required.
    type: str
  user_id:
    description:
      - The user's numeric id, instead of O(username).
    type: int
  batches:
    description:
      - The batches, each an integer (a batch id) or a string (a batch name, matched exactly and with case).
      - A number in quotes, such as V("2024"), is a batch B(name), not an id.
      - A name that matches no batch, or more than one, fails the task before any write; the message lists
        the batches whose names come close. List the id of a batch whose name is not unique.
      - With O(state=exact), an empty list removes the user from every batch.
    type: list
    elements: raw
    required: true
  state:
    description:
      - V(present) adds the user to the listed batches it is not in, and leaves its other batches alone.
      - V(absent) removes the user from the listed batches it is in; listed batches it is not in are ignored.
      - V(exact) makes the listed batches the user's only batches, adding and removing as needed.
    type: str
    choices: [present, absent, exact]
    default: present
  expires:
    description:
      - When the user's subscriptions to the listed batches end, as V(YYYY-MM-DD).
      - Batches the user joins get this date, and a listed batch the user is already in whose end date differs
        is updated. Batches that are not listed keep theirs.
      - Left out, end dates are not managed; they stay as they are, and a batch joined without it gets the end date
        Testpress gives it.
      - Cannot be used with O(state=absent).
    type: str
notes:
  - Only C(GET) requests are sent in check mode.
  - A user that does not exist fails the task before any write. In check mode only, the listed batches are
    reported as would-be-added instead (their names are still looked up and checked), so that a check-mode run
    of a playbook that first creates the user with M(testpress.lms.testpress_user) and then gives it
    batches runs through.
  - With O(expires), the one adding call is the API's subscriptions call
    (C(POST /api/v2.5/admin/users/ID/subscriptions/)), which adds the missing batches with that end date and
    moves the end date of the held ones in the same request. Without it, batches are added with
    C(POST /api/v2.5/admin/users/ID/batches/).
seealso:
  - module: testpress.lms.testpress_user
    description: Create the user first.
  - module: testpress.lms.testpress_user_courses
    description: The same for a user's courses.
'''

EXAMPLES = r'''
- name: Add john to two more batches, one by name and one by id (other batches untouched)
  testpress.lms.testpress_user_batches:
    api_url: "{{ testpress_url }}"
    api_username: "{{ testpress_admin }}"
    api_password: "{{ testpress_admin_password }}"
    username: john
    batches:
      - UPSC Evening Batch  # exactly this name; "UPSC" alone would be another batch
      - 27                  # a batch id

- name: Subscriptions to these batches end on 31 March 2031 (joined or moved)
  testpress.lms.testpress_user_batches:
    api_url: "{{ testpress_url }}"
    api_username: "{{ testpress_admin }}"
    api_password: "{{ testpress_admin_password }}"
    username: john
    batches: [UPSC, UPSC Morning Batch]
    expires: "2031-03-31"

- name: Johnny is in these two batches and no other
  testpress.lms.testpress_user_batches:
    api_url: "{{ testpress_url }}"
    api_username: "{{ testpress_admin }}"
    api_password: "{{ testpress_admin_password }}"
    username: johnny
    batches: [NEET Morning Batch, IBPS Morning Batch]
    state: exact

- name: Take jdoe out of a batch
  testpress.lms.testpress_user_batches:
    api_url: "{{ testpress_url }}"
    api_username: "{{ testpress_admin }}"
    api_password: "{{ testpress_admin_password }}"
    username: jdoe
    batches: [IBPS Online Batch]
    state: absent

- name: Audit, changing nothing - which batches would student0 gain or lose?
  testpress.lms.testpress_user_batches:
    api_url: "{{ testpress_url }}"
    api_username: "{{ testpress_admin }}"
    api_password: "{{ testpress_admin_password }}"
    username: student0
    batches: [Test Batch, Batch 01]
    state: exact
  check_mode: true
  register: drift

- name: Show the drift
  ansible.builtin.debug:
    msg: "student0 would gain {{ drift.added | map(attribute='name') | list }} and lose {{ drift.removed | map(attribute='name') | list }}"
'''

RETURN = r'''
batches:
  description:
    - The user's batches after the task, as the API reads them back.
    - In check mode, the batches as the task would leave them.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The batch id.
      type: int
      returned: success
    name:
      description: The batch name.
      type: str
      returned: success
    expires:
      description: When the user's subscription to the batch ends (V(YYYY-MM-DD)), or V(null) when it does not.
      type: str
      returned: success
  sample:
    - {id: 21, name: UPSC, expires: "2031-03-31"}
    - {id: 22, name: UPSC Morning Batch, expires: "2031-03-31"}
added:
  description: The batches the user joined (in check mode, would join), each with its RV(batches[].id) and RV(batches[].name).
  returned: success
  type: list
  elements: dict
  sample:
    - {id: 23, name: UPSC Evening Batch}
removed:
  description: The batches the user left (in check mode, would leave), each with its RV(batches[].id) and RV(batches[].name).
  returned: success
  type: list
  elements: dict
  sample: []
updated:
  description: Batches the user was already in whose subscription end date was set to O(expires), each with its RV(batches[].id)
    and RV(batches[].name).
  returned: success
  type: list
  elements: dict
  sample:
    - {id: 21, name: UPSC}
user_id:
  description: The user's id; V(null) in check mode when the user does not exist yet.
  returned: success
  type: int
  sample: 1882
diff:
  description:
    - With C(--diff), the user's batches before and after the task, each as C(batches), a sorted list of names.
    - When O(expires) is set, each entry is the batch name followed by its end date in parentheses, or by
      C(no expiry) in parentheses when the subscription does not end (see the sample).
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The batches before the task.
      type: dict
      returned: when diff mode is on
    after:
      description: The batches after the task.
      type: dict
      returned: when diff mode is on
  sample:
    before:
      batches: ["UPSC (expires 2030-01-31)", "UPSC Morning Batch (no expiry)"]
    after:
      batches: ["UPSC (expires 2031-03-31)", "UPSC Morning Batch (expires 2031-03-31)"]
'''

from functools import partial

from ansible_collections.testpress.lms.plugins.module_utils._module import TestpressModule
from ansible_collections.testpress.lms.plugins.module_utils._tasks import membership_argument_spec, run_membership


def main():
    module = TestpressModule(membership_argument_spec('batches'), mutually_exclusive=[('username', 'user_id')],
                             required_one_of=[('username', 'user_id')])
    module.run(partial(run_membership, option='batches'))


if __name__ == '__main__':
    main()
