# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The connection options every testpress.lms module takes (argument spec: _module.connection_argument_spec)."""

    DOCUMENTATION = r'''
options:
  api_url:
    description:
      - Base URL of the Testpress institute, for example V(https://demo.testpress.in).
      - An C(http://) URL to a host other than this machine is warned about, as credentials would cross the network
        in clear text.
      - If not set, the value of the E(TESTPRESS_URL) environment variable is used.
    type: str
    required: true
  api_token:
    description:
      - An admin JWT, as returned by C(POST /api/v2.5/auth-token/).
      - One of O(api_token) or O(api_username)/O(api_password) is required. When both are given the token is
        used first, and the credentials log in again if the API rejects the token (HTTP 401).
      - If not set, the value of the E(TESTPRESS_TOKEN) environment variable is used.
    type: str
  api_username:
    description:
      - Username of an institute admin, used to obtain a token when O(api_token) is not given.
      - If not set, the value of the E(TESTPRESS_USERNAME) environment variable is used.
    type: str
  api_password:
    description:
      - Password of O(api_username).
      - If not set, the value of the E(TESTPRESS_PASSWORD) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the institute's TLS certificate. Set to V(false) only for a test instance.
      - A certificate signed by a private CA is trusted by pointing the E(REQUESTS_CA_BUNDLE) environment variable at
        that CA's certificate (PEM). V(false) wins over E(REQUESTS_CA_BUNDLE).
      - If not set, the value of the E(TESTPRESS_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for each HTTP request. A request that times out is retried like a transient failure (see
        O(max_retries)), except a C(POST) that may have reached the server.
    type: int
    default: 30
  max_retries:
    description:
      - How many times a throttled (HTTP 429) or transiently failed (HTTP 502, 503, 504, connection error) call is
        retried before the task fails. A throttled call waits for the server's C(Retry-After); the others back off
        exponentially with jitter.
      - A create or a membership change is never sent again as it was when it may have reached the server; a lost
        answer is recovered by reading back, and only what did not happen is sent again (after a pause, at most
        O(max_retries) times).
    type: int
    default: 5
notes:
  - All options of this group can be set once per play with
    C(module_defaults) for the action group C(group/testpress.lms.testpress).
'''
