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
      - Base URL of the Testpress institute, for example V(https://demo.testpress.in). A scheme, a host and
        perhaps a port; no path.
      - An C(http://) URL to a host other than this machine fails, as the credentials would cross the network in
        clear text, unless O(allow_insecure_http) is V(true).
      - If not set, the value of the E(TESTPRESS_URL) environment variable is used. One of the two is required.
    type: str
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
      - Whether to verify the institute's TLS certificate. Set to V(false) only for a test instance; the module
        warns when it is.
      - A certificate signed by a private CA is trusted by pointing the E(REQUESTS_CA_BUNDLE) environment variable at
        that CA's certificate (PEM). V(false) wins over E(REQUESTS_CA_BUNDLE).
      - If not set, the value of the E(TESTPRESS_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  timeout:
    description:
      - Seconds each HTTP request may take in all, from sending it to the last byte of the answer (a server that
        answers slowly, byte by byte, is cut off too). A request that times out is retried like a transient failure
        (see O(max_retries)), except a C(POST) that may have reached the server.
    type: int
    default: 30
  max_retries:
    description:
      - How many times a transiently failed (HTTP 502, 503, 504, connection error) call is retried before the task
        fails, backing off exponentially with jitter. A throttled call (HTTP 429) does not count (see
        O(max_throttle_wait)).
      - A create or a membership change is never sent again as it was when it may have reached the server; a lost
        answer is recovered by reading back, and only what did not happen is sent again (after a pause, at most
        O(max_retries) times).
    type: int
    default: 5
  max_throttle_wait:
    description:
      - Seconds a call may be throttled (HTTP 429) in all before the task fails, saying the server kept throttling
        for that long.
      - A 429 from any call holds every call of the task until the server's C(Retry-After) has passed (without one,
        or with one of 0, below 0 or not a number, it waits 1 s, then 2, 4, ... with jitter), and the calls are then spaced
        at a lower rate, which rises again slowly while the server accepts them. So a task runs at the server's throttle rather than against it.
      - If not set, the value of the E(TESTPRESS_MAX_THROTTLE_WAIT) environment variable is used.
    type: int
    default: 600
  rate_limit:
    description:
      - Calls per second the task never exceeds, for an institute whose API quota is known; the calls are spaced
        evenly, slightly under it, so that the server never has to throttle them. V(0) or unset is no fixed limit
        (the rate then adapts to the server's HTTP 429 answers).
      - At least V(0.1) (one call every 10 s); a lower value (other than V(0)) fails the task before any call.
      - If not set, the value of the E(TESTPRESS_RATE_LIMIT) environment variable is used.
    type: float
  allow_insecure_http:
    description:
      - Allow an C(http://) O(api_url) to a host other than this machine. The admin password and the token then cross
        the network in clear text; the module warns. For a network you trust only.
      - If not set, the value of the E(TESTPRESS_ALLOW_INSECURE_HTTP) environment variable is used.
    type: bool
    default: false
notes:
  - All options of this group can be set once per play with
    C(module_defaults) for the action group C(group/testpress.lms.testpress).
'''
