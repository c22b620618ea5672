# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The module base in process: the clear-text warning, the remedies a failure message carries, and a roster's
entries taken once."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils import basic
from ansible.module_utils.common.warnings import get_warning_messages
from ansible.module_utils.testing import patch_module_args

from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError
from ansible_collections.testpress.lms.plugins.module_utils._module import NO_LOG_PLACEHOLDER, TestpressModule
from ansible_collections.testpress.lms.tests.simulator import Simulator

USERS = '/api/v2.5/admin/users/'


@pytest.fixture(autouse=True)
def module_side_warnings(monkeypatch):
    """Once a test in this process has imported Ansible's controller side (a filter plugin's test does),
    module warnings go to the controller's display; a module run on a managed host collects them."""
    monkeypatch.setattr('ansible.module_utils._internal.is_controller', False)


def module(**params):
    with patch_module_args(params):
        return TestpressModule({})


def clear_text_warnings(host):
    return [message for message in get_warning_messages() if 'http:// to %s,' % host in message]


@pytest.mark.parametrize('url, host', [('http://lms.example.com', 'lms.example.com'), ('http://10.1.2.3:8000/', '10.1.2.3')])
def test_http_to_another_machine_fails_unless_allowed_and_then_warns(url, host):
    with pytest.raises(InputError) as caught:
        module(api_url=url, api_token='token-1234').api
    assert str(caught.value).startswith('api_url uses http:// to %s, another machine' % host)
    assert 'allow_insecure_http: true (TESTPRESS_ALLOW_INSECURE_HTTP)' in str(caught.value)
    assert clear_text_warnings(host) == []
    module(api_url=url, api_token='token-1234', allow_insecure_http=True).api
    (message,) = clear_text_warnings(host)
    assert 'password and the API token cross the network in clear text' in message
    assert 'token-1234' not in message


@pytest.mark.parametrize('url, host', [('http://127.0.0.1:8765', '127.0.0.1'), ('http://localhost:8765', 'localhost'),
                                       ('http://[::1]:8765', '::1'), ('https://lms.example.org', 'lms.example.org')])
def test_https_or_this_machine_does_not_warn(url, host):
    module(api_url=url, api_token='token-1234').api
    assert clear_text_warnings(host) == []


def failure_of(main, capsys, **params):
    """The result a module run ends with when ``main`` fails."""
    with patch_module_args(params), pytest.raises(SystemExit):
        TestpressModule({}).run(main)
    return json.loads(capsys.readouterr().out)


def read_users(mod):
    mod.api.client.get(USERS)


def test_a_rejected_token_says_what_to_give_instead(simulator, capsys):
    result = failure_of(read_users, capsys, api_url=simulator.url, api_token='expired-token-99')
    assert result['failed'] is True
    assert result['msg'] == ('GET %s: 401 the token was rejected (Signature has expired.): it is invalid or has expired. '
                             'Give a fresh api_token, or api_username and api_password so that an expired token is renewed.'
                             % USERS)


def test_an_untrusted_certificate_says_how_to_trust_it(capsys):
    with Simulator(tls=True) as sim:
        result = failure_of(read_users, capsys, api_url=sim.url, api_username='admin', api_password='admin-pass')
    assert "the server's certificate is not trusted" in result['msg']
    assert 'REQUESTS_CA_BUNDLE' in result['msg'] and 'validate_certs: false' in result['msg']
    assert 'admin-pass' not in result['msg']


@pytest.mark.parametrize('rate_limit', [0.01, 0.05])
def test_a_rate_limit_below_its_bound_fails_naming_the_option_before_any_call(simulator, capsys, rate_limit):
    result = failure_of(read_users, capsys, api_url=simulator.url, api_token='token-1234', rate_limit=rate_limit)
    assert result['msg'] == ('rate_limit must be 0 (no limit) or at least 0.1 calls per second (one call every 10 s), '
                             'got %s' % rate_limit)
    assert simulator.log == []


@pytest.mark.parametrize('rate_limit', [None, 0, '0', 0.1])
def test_a_rate_limit_of_zero_as_awx_injects_it_is_none_and_the_bound_is_taken(simulator, rate_limit):
    mod = module(api_url=simulator.url, api_token='token-1234', rate_limit=rate_limit)
    assert mod.api.client.pace.rate_limit == (0.1 if rate_limit == 0.1 else None)


ENTRY_SPEC = {'users': {'type': 'list', 'elements': 'dict',
                        'options': {'username': {'type': 'str'}, 'password': {'type': 'str', 'no_log': True}}}}


def test_a_rosters_entries_are_taken_once_and_the_invocation_lists_the_first_ones():
    users = [{'username': 's%d' % number, 'password': 'Entry-%d-secret' % number} for number in range(5)]
    with patch_module_args({'api_token': 'token-1234', 'users': users}):
        testpress = TestpressModule(ENTRY_SPEC)
        taken = testpress.take_entries('users', 'password', 2)
        # ansible-core's own copies of the arguments as received are dropped once validated.
        assert basic._ANSIBLE_ARGS is None and 'users' not in (getattr(basic, '_PARSED_MODULE_ARGS', None) or {})
    assert taken == users
    shown = testpress.invocation['module_args']
    assert shown['users'] == [{'username': 's0', 'password': NO_LOG_PLACEHOLDER}, {'username': 's1', 'password': NO_LOG_PLACEHOLDER}]
    assert shown['users_not_listed'] == 3 and shown['api_token'] == NO_LOG_PLACEHOLDER
    assert testpress.params['users'] == users[:2]
    assert testpress.ansible.validation_result.validated_parameters['users'] is testpress.params['users']
    # The entries' passwords leave Ansible's quadratic no_log scan; the connection's secret stays in it.
    assert 'token-1234' in testpress.ansible.no_log_values
    assert not any('Entry-' in value for value in testpress.ansible.no_log_values)
