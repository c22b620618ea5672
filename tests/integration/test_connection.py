# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection mistakes a new user makes, through the real ansible-playbook: each ends in one message that says
what was tried, names the host, and shows no secret; none writes anything."""

from __future__ import annotations

import socket
import time

import yaml

USERS = '/api/v2.5/admin/users/'
PASSWORD = 'admin-pass'


def read_john(**options):
    return {'name': 'john', 'testpress.lms.testpress_user': dict(username='john', **options)}


def message(run):
    return run.result('john')['msg']


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def test_a_host_name_that_does_not_resolve_is_said_at_once_not_retried(run_playbook):
    started = time.monotonic()
    run = run_playbook([read_john(api_url='https://no-such-institute.invalid')], expect_failure=True)
    assert message(run) == ('POST /api/v2.5/auth-token/: no answer, connection failed: the host name '
                            'no-such-institute.invalid does not resolve; check api_url')
    assert time.monotonic() - started < 20


def test_a_refused_connection_names_the_host_and_port_after_one_retry_not_five(run_playbook):
    port = free_port()
    run = run_playbook([read_john(api_url='http://127.0.0.1:%d' % port)], expect_failure=True)    # max_retries 5
    assert message(run) == ('POST /api/v2.5/auth-token/: no answer, connection failed: 127.0.0.1 refused it on port %d; '
                            'check the port of api_url (2 attempts)' % port)


def test_a_missing_password_names_testpress_password_not_required_together(run_playbook):
    run = run_playbook([read_john()], env={'TESTPRESS_PASSWORD': None}, expect_failure=True)
    assert message(run) == ("api_password is missing: api_username is 'admin', so give its password as api_password or in "
                            'the TESTPRESS_PASSWORD environment variable')
    assert 'required together' not in run.stdout
    assert run.log == []


def test_a_missing_username_and_no_credentials_at_all_name_the_variables(run_playbook):
    run = run_playbook([read_john(api_username='')], expect_failure=True)
    assert message(run) == ('api_username is missing: api_password is set, so give the account it belongs to as '
                            'api_username or in the TESTPRESS_USERNAME environment variable')
    run = run_playbook([read_john(api_username='')], env={'TESTPRESS_PASSWORD': None}, expect_failure=True)
    assert message(run) == ('no credentials: give api_token (or the TESTPRESS_TOKEN environment variable), or api_username '
                            'and api_password (TESTPRESS_USERNAME and TESTPRESS_PASSWORD)')
    assert run.log == []


def test_a_dashboard_url_says_to_give_the_base_url(simulator, run_playbook):
    run = run_playbook([read_john(api_url=simulator.url + '/admin/users/')], expect_failure=True)
    assert message(run) == ("api_url must be the institute's base URL, without a path: give %s, not %s/admin/users/"
                            % (simulator.url, simulator.url))
    assert run.log == []


def test_a_server_that_is_not_the_api_is_summarised_not_dumped(simulator, run_playbook):
    simulator.inject(answer='not_api', times=None)
    run = run_playbook([read_john()], expect_failure=True)
    assert message(run).startswith('POST /api/v2.5/auth-token/: 405 an HTML page of ')
    assert message(run).endswith('(text/html) titled "Sign in | Institute dashboard"; check that api_url is the '
                                 "institute's base URL")
    assert '<html' not in message(run).lower() and '<title' not in message(run).lower()
    assert run.writes == []


def test_a_missing_api_url_names_the_option_and_the_variable(simulator, run_playbook, tmp_path):
    playbook = tmp_path / 'no-url.yml'
    playbook.write_text(yaml.safe_dump([{'name': 'no url', 'hosts': 'localhost', 'gather_facts': False,
                                         'tasks': [read_john(api_username='admin')]}]))
    run = run_playbook(playbook, env={'TESTPRESS_URL': None}, expect_failure=True)
    assert message(run) == ("api_url is required: set the api_url option or the TESTPRESS_URL environment variable to the "
                            "institute's base URL, such as https://demo.testpress.in")
    assert run.log == []


def test_a_rejected_login_names_the_account_and_the_host(simulator, run_playbook):
    run = run_playbook([read_john(api_username='ops', api_password='Wrong-Pass-7731')], expect_failure=True)
    host = simulator.url.split('//')[1]
    assert message(run) == ("POST /api/v2.5/auth-token/: 400 the login of 'ops' at %s was refused (Unable to log in with "
                            'provided credentials.): check api_username and api_password' % host)
    assert 'Wrong-Pass-7731' not in run.stdout


def test_validate_certs_false_is_warned_about(simulator, run_playbook):
    run = run_playbook([read_john(validate_certs=False)])
    assert 'validate_certs is false: the TLS certificate of %s is not checked' % simulator.url in run.stdout


def test_an_account_that_is_not_an_institute_admin_is_named_with_the_host(simulator, run_playbook):
    simulator.add_user('teacher', password='Teacher-Pass-1')
    run = run_playbook([read_john(api_username='teacher')], env={'TESTPRESS_PASSWORD': 'Teacher-Pass-1'},
                       expect_failure=True)
    assert message(run) == ("GET %s: 403 the account 'teacher' is not an institute admin at %s (You do not have "
                            'permission to perform this action.): the Admin API needs the login of an institute admin'
                            % (USERS, simulator.url.split('//')[1]))
    assert run.writes == []
