# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""testpress.lms.testpress_token, run by the real ansible-playbook against the simulator.

The point of the module is one login per play: the tests count the POSTs to the login endpoint in
the simulator's request log, and take TESTPRESS_USERNAME / TESTPRESS_PASSWORD out of the environment
so that the tasks after the login cannot log in by themselves.
"""

from __future__ import annotations

import pytest
import yaml

MODULE = "testpress.lms.testpress_token"
LOGIN_PATH = "/api/v2.5/auth-token/"
ADMIN = {"api_username": "admin", "api_password": "admin-pass"}
NO_CREDENTIALS = {"TESTPRESS_USERNAME": None, "TESTPRESS_PASSWORD": None}
STUDENTS = ["tok%02d" % number for number in range(1, 11)]


def write_playbook(tmp_path, *plays):
    path = tmp_path / "token-playbook.yml"
    path.write_text(yaml.safe_dump(list(plays), sort_keys=False, default_flow_style=False))
    return path


def play(name, tasks, **extra):
    return dict({"name": name, "hosts": "localhost", "gather_facts": False, "tasks": tasks}, **extra)


def login_play(simulator, **task_extra):
    task = dict({"name": "Log in once", MODULE: dict(ADMIN, api_url=simulator.url), "register": "login"}, **task_extra)
    return play("Log in", [task])


def token_play(simulator, name, tasks):
    """A play whose tasks get the URL and the registered token, and nothing else, from module_defaults."""
    defaults = {"group/testpress.lms.testpress": {"api_url": simulator.url, "api_token": "{{ login.token }}"}}
    return play(name, tasks, module_defaults=defaults)


def logins(run):
    return [entry for entry in run.log if entry["path"] == LOGIN_PATH]


def issued_tokens(simulator):
    return list(simulator.tokens)


def test_one_login_serves_twenty_tasks(run_playbook, simulator, tmp_path):
    tasks = [{"name": "Create " + name,
              "testpress.lms.testpress_user": {"username": name, "password": name + "-pass", "first_name": name}}
             for name in STUDENTS]
    tasks += [{"name": "Put %s in UPSC" % name, "testpress.lms.testpress_user_batches": {"username": name, "batches": ["UPSC"]}}
              for name in STUDENTS]
    path = write_playbook(tmp_path, login_play(simulator, no_log=True), token_play(simulator, "Use the token", tasks))

    run = run_playbook(path, env=NO_CREDENTIALS, verbosity=3)

    assert len(run.results) == 21 and not any(result["failed"] for result in run.results)
    assert all(result["changed"] for result in run.results[1:])
    assert [(entry["method"], entry["status"]) for entry in logins(run)] == [("POST", 200)]
    assert not [entry for entry in run.log if entry["status"] == 401]
    assert len(run.writes) == 20
    assert all(simulator.user_batch_ids(name) == [21] for name in STUDENTS)
    (token,) = issued_tokens(simulator)
    # no_log hides the token from the output, even at -vvv, and the results the callback sees.
    assert token not in run.stdout
    assert "censored" in run.results[0] and "token" not in run.results[0]


@pytest.mark.core_matrix
def test_check_mode_logs_in_returns_the_token_and_writes_nothing(run_playbook, simulator, tmp_path):
    would_create = {"name": "Would create tokcheck",
                    "testpress.lms.testpress_user": {"username": "tokcheck", "password": "tokcheck-pass"}}
    path = write_playbook(tmp_path, login_play(simulator), token_play(simulator, "Audit with the token", [would_create]))

    run = run_playbook(path, check=True, env=NO_CREDENTIALS)

    login, created = run.results
    assert login["changed"] is False and not login["failed"] and "token" not in login
    assert len(issued_tokens(simulator)) == 1
    # The next task authenticated with the registered token alone (no credentials in its environment).
    assert created["changed"] is True and not created["failed"]
    assert run.writes == [] and simulator.user("tokcheck") is None
    assert len(logins(run)) == 1
    assert not [entry for entry in run.log if entry["status"] == 401]


@pytest.mark.core_matrix
def test_bad_credentials_fail_cleanly_without_echoing_the_password(run_playbook, simulator):
    secret = "Wrong-Secret-8731"
    task = {"name": "Log in", MODULE: {"api_password": secret}, "register": "login"}

    run = run_playbook([task], verbosity=3, expect_failure=True)

    (result,) = run.results
    assert result["failed"] is True and "token" not in result
    assert result["msg"] == ("POST /api/v2.5/auth-token/: 400 the login of 'admin' at %s was refused (Unable to log in "
                             "with provided credentials.): check api_username and api_password" % simulator.url.split("//")[1])
    assert secret not in run.stdout
    assert [(entry["method"], entry["status"]) for entry in logins(run)] == [("POST", 400)]
    assert issued_tokens(simulator) == []


def test_a_token_alone_cannot_log_in_and_nothing_is_sent(run_playbook, simulator, tmp_path):
    task = {"name": "Log in", MODULE: {"api_url": simulator.url, "api_token": "some-token"}, "ignore_errors": True}
    path = write_playbook(tmp_path, play("Token only", [task]))

    run = run_playbook(path, env=NO_CREDENTIALS)

    (result,) = run.results
    assert result["failed"] is True
    assert result["msg"] == "api_username and api_password are required to log in"
    assert run.log == []


@pytest.mark.core_matrix
def test_the_examples_log_in_once_and_a_rerun_changes_nothing(run_playbook, simulator, tmp_path, module_examples):
    examples = module_examples("testpress_token")
    assert examples[0]["no_log"] is True
    path = write_playbook(tmp_path, play("Examples", examples))
    variables = {"testpress_url": simulator.url, "testpress_admin": "admin", "testpress_admin_password": "admin-pass",
                 "asha_initial_password": "asha-initial-pass"}

    run = run_playbook(path, extra_vars=variables, env=NO_CREDENTIALS)

    assert [result["task"] for result in run.results] == [
        examples[0]["name"], "Asha has an account", "Asha is in the UPSC batch"]
    assert [result["changed"] for result in run.results] == [False, True, True]
    assert len(logins(run)) == 1
    assert simulator.user("asha")["first_name"] == "Asha" and simulator.user_batch_ids("asha") == [21]

    again = run_playbook(path, extra_vars=variables, env=NO_CREDENTIALS)
    assert again.writes == [] and not again.changed
    assert len(logins(again)) == 1


@pytest.mark.core_matrix
@pytest.mark.parametrize("verbosity", [1, 3])
def test_the_token_is_never_printed_nor_logged_but_register_receives_it(run_playbook, simulator, tmp_path, verbosity):
    # No no_log on the task: the module's action plugin censors its result as no_log does.
    log_file = tmp_path / "ansible.log"
    check = {"name": "The token reached register", "ansible.builtin.assert": {"that": ["login.token | length > 20"],
                                                                              "quiet": True}}
    use = {"name": "Read john with it", "testpress.lms.testpress_user_info": {"username": "john"}}
    path = write_playbook(tmp_path, play("Log in", login_play(simulator)["tasks"] + [check]),
                          token_play(simulator, "Use the token", [use]))

    run = run_playbook(path, env=dict(NO_CREDENTIALS, ANSIBLE_LOG_PATH=log_file), verbosity=verbosity)

    (token,) = issued_tokens(simulator)
    login = run.result("Log in once")
    assert login["censored"].startswith("the output has been hidden") and "token" not in login
    assert token not in run.stdout and token not in log_file.read_text()
    assert "Log in once" in log_file.read_text()                       # the log was written
    assert not run.result("The token reached register")["failed"]
    assert run.result("Read john with it")["users"][0]["username"] == "john"
    assert len(logins(run)) == 1
