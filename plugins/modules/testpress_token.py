#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: testpress_token
short_description: Log in to a Testpress institute once and return the API token
version_added: 0.1.0
description:
  - Exchanges O(api_username) and O(api_password) for an admin token (C(POST /api/v2.5/auth-token/)) and returns it
    as RV(token).
  - Pass the token to later tasks as O(api_token), for example with C(module_defaults) for the action group
    C(group/testpress.lms.testpress), so that a play logs in once instead of once per task.
  - Changes nothing on the institute, so it always reports C(changed=false), and it logs in the same way in check mode.
author: Testpress LMS collection contributors (@testpress)
extends_documentation_fragment:
  - testpress.lms.connection
  - testpress.lms.attributes
options: {}
attributes:
  action:
    description: Has an action plugin, which runs on the controller.
    support: full
    details:
      - The action plugin runs the module and censors the display of its result.
  check_mode:
    support: full
    details:
      - Logs in as in a normal run. The login is a C(POST) but writes nothing to the institute.
  diff_mode:
    support: none
notes:
  - O(api_username) and O(api_password) are required (directly or through their environment variables);
    O(api_token) alone is not enough, as there is nothing to log in with.
  - The token is a secret that lets anyone act as the admin until it expires. The module's action plugin censors
    its result wherever Ansible shows one (the console at any verbosity, C(ANSIBLE_LOG_PATH), callbacks), as
    C(no_log) does, while C(register) still receives the token. A failed login is shown as usual (its message holds
    no secret).
  - Setting C(no_log) on the task as well (see the examples) also hides its arguments. Never print the registered
    variable, and do not write the token to files or logs.
  - When the token expires during a long play, later tasks fail with HTTP 401 unless they also have
    O(api_username) and O(api_password), in which case they log in again by themselves.
seealso:
  - module: testpress.lms.testpress_user
    description: A module that can then use the token.
'''

EXAMPLES = r'''
- name: Log in once; the token is a secret, so the task prints nothing
  testpress.lms.testpress_token:
    api_url: "{{ testpress_url }}"
    api_username: "{{ testpress_admin }}"
    api_password: "{{ testpress_admin_password }}"
  no_log: true
  register: login

- name: Every task of this block uses the token and does not log in again
  module_defaults:
    group/testpress.lms.testpress:
      api_url: "{{ testpress_url }}"
      api_token: "{{ login.token }}"
  block:
    - name: Asha has an account
      testpress.lms.testpress_user:
        username: asha
        password: "{{ asha_initial_password }}"
        first_name: Asha

    - name: Asha is in the UPSC batch
      testpress.lms.testpress_user_batches:
        username: asha
        batches: [UPSC]
'''

RETURN = r'''
token:
  description:
    - The admin token (a JWT), for O(api_token) of later tasks. Keep it secret; see the notes.
    - Only in the registered variable; every display of the result shows it censored.
  returned: success
  type: str
  sample: "<the token: a long string of base64 text, never to be printed>"
'''

from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError
from ansible_collections.testpress.lms.plugins.module_utils._module import TestpressModule


def log_in(module):
    params = module.params
    # The base accepts api_token alone; this module has nothing to exchange for a token then.
    if not (params['api_username'] and params['api_password']):
        raise InputError('api_username and api_password are required to log in')
    # The client's login bypasses the read-only guard of check mode: it writes nothing to the institute.
    module.exit(False, token=module.api.client.login())


def main():
    TestpressModule({}).run(log_in)


if __name__ == '__main__':
    main()
