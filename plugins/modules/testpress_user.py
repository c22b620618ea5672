#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: testpress_user
short_description: Manage one Testpress user account
version_added: 0.1.0
description:
  - Creates, updates or deletes a user account of a Testpress institute, found by its exact O(username).
  - Reads the account first and sends only what differs; a second run sends no write and reports no change.
  - Profile options left out are not managed. Values are compared normalised, so V(2016-07-03) equals
    V(03/07/2016), V(IN-TN) equals a read of C(Tamil Nadu), and email addresses compare without regard to case.
author: Testpress LMS collection contributors (@testpress)
extends_documentation_fragment:
  - testpress.lms.connection
  - testpress.lms.user_profile
  - testpress.lms.journal
  - testpress.lms.backup
  - testpress.lms.attributes
options:
  username:
    description:
      - The account's username, its unique key. Matched exactly (the API's own search matches substrings of
        usernames and emails; the module picks the exact match).
    type: str
    required: true
  state:
    description:
      - V(present) creates the account or updates the fields that differ.
      - V(absent) deletes the account and B(all its data); this cannot be undone.
    type: str
    choices: [present, absent]
    default: present
  password:
    description:
      - The account's password. Required to create an account unless O(auto_generate_password=true).
      - Never shown in results, diffs or logs.
    type: str
  update_password:
    description:
      - V(on_create) sets O(password) only when the account is created.
      - V(always) sends O(password) on every run. A password cannot be read back to compare, so with V(always)
        the task reports C(changed) on every run.
    type: str
    choices: [on_create, always]
    default: on_create
  auto_generate_password:
    description:
      - On create, let Testpress generate the password (O(password) is then not needed and not sent).
    type: bool
    default: false
  notify_credential:
    description:
      - On create, have Testpress mail the credentials to the user.
    type: bool
    default: false
notes:
  - Deletion uses the API's C(/api/v2.2/) path, the only one Testpress serves it under.
  - A create whose answer is lost in transit is not repeated; the module reads the account back and goes on.
seealso:
  - module: testpress.lms.testpress_user_batches
  - module: testpress.lms.testpress_user_courses
'''

EXAMPLES = r'''
- name: Make sure a student exists with this profile
  testpress.lms.testpress_user:
    api_url: "{{ testpress_url }}"
    api_username: "{{ testpress_admin }}"
    api_password: "{{ testpress_admin_password }}"
    username: asha
    password: "{{ asha_initial_password }}"
    first_name: Asha
    last_name: Raman
    email: asha@example.com
    birth_date: "2007-04-12"
    state_code: IN-TN
    custom_fields:
      Roll Number: "2026-041"

- name: Deactivate an account, leaving every other field alone
  testpress.lms.testpress_user:
    api_url: "{{ testpress_url }}"
    api_username: "{{ testpress_admin }}"
    api_password: "{{ testpress_admin_password }}"
    username: asha
    is_active: false

- name: Delete an account and all its data
  testpress.lms.testpress_user:
    api_url: "{{ testpress_url }}"
    api_username: "{{ testpress_admin }}"
    api_password: "{{ testpress_admin_password }}"
    username: asha
    state: absent
'''

RETURN = r'''
user:
  description:
    - The account after the task, as the API reads it, without C(password_hash).
    - In check mode, the account as it is, overlaid with the fields that would be sent.
    - Empty after O(state=absent).
  returned: always
  type: dict
  sample:
    id: 1892
    username: asha
    first_name: Asha
    last_name: Raman
    email: asha@example.com
    birth_date: 12/04/2007
    state: Tamil Nadu
    state_code: IN-TN
    is_active: true
    custom_fields:
      Roll Number: "2026-041"
backup_file:
  description:
    - With O(backup=true), the roster file holding the account as it was before the task changed it.
  returned: when O(backup=true) and the task changed the account (not in check mode)
  type: str
  sample: /srv/rosters/backups/demo.testpress.in-20261204T171500Z-3f9a2c.yml
diff:
  description:
    - With C(--diff), the managed fields before and after the task, normalised (dates as V(YYYY-MM-DD),
      states as codes). A password shows as a placeholder, never its value.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The managed fields before the task; empty when the account is created.
      type: dict
      returned: when diff mode is on
    after:
      description: The managed fields after the task; empty when the account is deleted.
      type: dict
      returned: when diff mode is on
'''

from ansible_collections.testpress.lms.plugins.module_utils._module import TestpressModule, backup_argument_spec, journal_argument_spec
from ansible_collections.testpress.lms.plugins.module_utils._tasks import run_user
from ansible_collections.testpress.lms.plugins.module_utils._users import profile_argument_spec


def main():
    argument_spec = dict(
        username=dict(type='str', required=True),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        password=dict(type='str', no_log=True),
        update_password=dict(type='str', choices=['on_create', 'always'], default='on_create', no_log=False),
        auto_generate_password=dict(type='bool', default=False, no_log=False),
        notify_credential=dict(type='bool', default=False, no_log=False),
        **profile_argument_spec()
    )
    argument_spec.update(journal_argument_spec(), **backup_argument_spec())
    TestpressModule(argument_spec).run(run_user)


if __name__ == '__main__':
    main()
