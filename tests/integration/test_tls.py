# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transport security through the real ansible-playbook: certificates are verified by default, and the
two ways to trust a private CA work; plain http:// to another machine fails unless allowed, then warns."""

from __future__ import annotations

import pytest

from ansible_collections.testpress.lms.tests.simulator import Simulator

USERS = '/api/v2.5/admin/users/'


@pytest.fixture(scope='module')
def _tls_server():
    with Simulator(tls=True) as sim:
        yield sim


@pytest.fixture
def tls(_tls_server):
    _tls_server.reset()
    return _tls_server


def read_john(url, **options):
    return {'name': 'john', 'testpress.lms.testpress_user': dict(username='john', api_url=url, **options)}


# ansible-playbook must not find a bundle the test machine happens to set.
NO_BUNDLE = {'REQUESTS_CA_BUNDLE': None, 'CURL_CA_BUNDLE': None}


def test_a_self_signed_server_fails_by_default_saying_how_to_trust_it(tls, run_playbook):
    run = run_playbook([read_john(tls.url)], env=NO_BUNDLE, expect_failure=True)
    message = run.result('john')['msg']
    assert message.startswith("POST /api/v2.5/auth-token/: no answer, the server's certificate is not trusted (")
    assert 'REQUESTS_CA_BUNDLE' in message and 'validate_certs: false' in message
    assert 'admin-pass' not in message
    assert tls.log == []


def test_validate_certs_false_works(tls, run_playbook):
    run = run_playbook([read_john(tls.url, validate_certs=False)], env=NO_BUNDLE)
    assert run.result('john')['user']['username'] == 'john'
    assert [entry['path'] for entry in tls.log][-1] == USERS


def test_a_ca_bundle_in_requests_ca_bundle_works(tls, run_playbook):
    run = run_playbook([read_john(tls.url)], env=dict(NO_BUNDLE, REQUESTS_CA_BUNDLE=tls.cert_path))
    assert run.result('john')['user']['username'] == 'john'
    assert run.result('john')['changed'] is False


def test_plain_http_to_another_machine_fails_unless_allowed(run_playbook):
    # TEST-NET-1 (RFC 5737): never a real host, so a call would fail fast; none is made.
    run = run_playbook([read_john('http://192.0.2.1:9', timeout=1, max_retries=0)], expect_failure=True)
    message = run.result('john')['msg']
    assert message.startswith('api_url uses http:// to 192.0.2.1, another machine')
    assert 'allow_insecure_http: true (TESTPRESS_ALLOW_INSECURE_HTTP)' in message


def test_plain_http_to_another_machine_when_allowed_is_warned_about(run_playbook):
    run = run_playbook([read_john('http://192.0.2.1:9', timeout=1, max_retries=0, allow_insecure_http=True)],
                       expect_failure=True)
    assert 'api_url uses http:// to 192.0.2.1, another machine' in run.stdout
    assert 'clear text' in run.stdout
    assert run.result('john')['msg'].startswith('POST /api/v2.5/auth-token/: no answer, ')


def test_plain_http_to_this_machine_is_not_warned_about(simulator, run_playbook):
    run = run_playbook([read_john(simulator.url)])
    assert 'clear text' not in run.stdout
