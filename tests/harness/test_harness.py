# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The integration harness itself (run_playbook fixture), proven with builtin modules only."""

from __future__ import annotations

import os
import sys

import pytest
from ansible.release import __version__ as ANSIBLE_VERSION

LOGIN = {
    "name": "Log in",
    "ansible.builtin.uri": {
        "url": "{{ lookup('ansible.builtin.env', 'TESTPRESS_URL') }}/api/v2.5/auth-token/",
        "method": "POST",
        "body_format": "json",
        "body": {"username": "admin", "password": "admin-pass"},
        "return_content": True,
    },
    "register": "login",
}


def test_results_in_order_with_task_names(run_playbook):
    run = run_playbook([
        {"name": "first", "ansible.builtin.debug": {"msg": "one"}},
        {"name": "second", "ansible.builtin.set_fact": {"answer": 42}},
        {"name": "third", "ansible.builtin.debug": {"var": "answer"}},
    ])
    assert run.rc == 0
    assert [r["task"] for r in run.results] == ["first", "second", "third"]
    assert run.results[0]["msg"] == "one"
    assert run.results[1]["ansible_facts"] == {"answer": 42}
    assert run.results[2]["answer"] == 42
    assert all(r["changed"] is False and r["failed"] is False for r in run.results)
    assert run.result("third")["answer"] == 42
    assert not run.changed
    assert "PLAY RECAP" in run.stdout
    assert run.log == [] and run.writes == []


def test_simulator_requests_are_recorded(run_playbook, simulator):
    # Raw ansible.builtin.uri calls, not the collection: their results carry the token and hash on purpose.
    run = run_playbook(scan_secrets=False, tasks_or_playbook=[
        LOGIN,
        {
            "name": "Create a user",
            "ansible.builtin.uri": {
                "url": "{{ lookup('ansible.builtin.env', 'TESTPRESS_URL') }}/api/v2.5/admin/users/",
                "method": "POST",
                "headers": {"Authorization": "JWT {{ login.json.token }}"},
                "body_format": "json",
                "body": {"username": "harness1", "password": "Harness-pass-1", "email": "harness1@example.com"},
                "status_code": [201],
            },
            "changed_when": True,
        },
    ])
    login, create = run.results
    assert login["status"] == 200 and login["json"]["token"]
    assert create["changed"] is True and create["json"]["username"] == "harness1"
    assert [(e["method"], e["path"]) for e in run.log] == [
        ("POST", "/api/v2.5/auth-token/"),
        ("POST", "/api/v2.5/admin/users/"),
    ]
    assert [(e["method"], e["path"], e["status"]) for e in run.writes] == [("POST", "/api/v2.5/admin/users/", 201)]
    assert run.writes[0]["body"]["username"] == "harness1"
    assert simulator.user("harness1") is not None

    # A second run's log holds only its own requests.
    again = run_playbook([LOGIN], scan_secrets=False)
    assert [(e["method"], e["path"]) for e in again.log] == [("POST", "/api/v2.5/auth-token/")]
    assert again.writes == []


def test_module_defaults_group_and_env_point_at_the_simulator(run_playbook, simulator):
    run = run_playbook([
        {"name": "env", "ansible.builtin.debug": {"msg": "{{ lookup('ansible.builtin.env', 'TESTPRESS_URL') }}"}},
        {"name": "unset", "ansible.builtin.debug": {"msg": "{{ lookup('ansible.builtin.env', 'TESTPRESS_PASSWORD') }}"}},
    ], env={"TESTPRESS_PASSWORD": None})
    assert run.results[0]["msg"] == simulator.url
    assert run.results[1]["msg"] == ""
    text = run.playbook and open(run.playbook, encoding="utf-8").read()
    assert "group/testpress.lms.testpress" in text and simulator.url in text


def test_check_mode_and_diff_flags_are_passed(run_playbook):
    tasks = [
        {"name": "check", "ansible.builtin.debug": {"var": "ansible_check_mode"}},
        {"name": "diff", "ansible.builtin.debug": {"var": "ansible_diff_mode"}},
    ]
    normal = run_playbook(tasks)
    assert [normal.results[0]["ansible_check_mode"], normal.results[1]["ansible_diff_mode"]] == [False, False]
    checked = run_playbook(tasks, check=True, diff=True)
    assert [checked.results[0]["ansible_check_mode"], checked.results[1]["ansible_diff_mode"]] == [True, True]
    assert "--check" in checked.command and "--diff" in checked.command


def test_failure_is_captured(run_playbook):
    run = run_playbook([
        {"name": "tolerated", "ansible.builtin.fail": {"msg": "first boom"}, "ignore_errors": True},
        {"name": "after", "ansible.builtin.debug": {"msg": "still running"}},
        {"name": "boom", "ansible.builtin.fail": {"msg": "second boom"}},
        {"name": "never", "ansible.builtin.debug": {"msg": "not reached"}},
    ], expect_failure=True)
    assert run.rc != 0
    assert [r["task"] for r in run.results] == ["tolerated", "after", "boom"]
    assert run.results[0]["failed"] is True and run.results[0]["_ignore_errors"] is True
    assert run.results[2]["failed"] is True and run.results[2]["msg"] == "second boom"
    assert "second boom" in run.stdout


def test_unexpected_outcome_fails_the_test(run_playbook):
    with pytest.raises(pytest.fail.Exception, match="boom"):
        run_playbook([{"name": "boom", "ansible.builtin.fail": {"msg": "boom"}}])
    with pytest.raises(pytest.fail.Exception, match="expected to fail"):
        run_playbook([{"name": "fine", "ansible.builtin.debug": {"msg": "fine"}}], expect_failure=True)


def test_loop_gives_one_result_with_items(run_playbook):
    run = run_playbook([
        {"name": "loop", "ansible.builtin.debug": {"msg": "item {{ item }}"}, "loop": [1, 2, 3]},
        {"name": "skipped", "ansible.builtin.debug": {"msg": "x"}, "when": False},
    ])
    loop, skipped = run.results
    assert loop["task"] == "loop"
    assert [item["msg"] for item in loop["results"]] == ["item 1", "item 2", "item 3"]
    assert skipped["skipped"] is True and skipped["failed"] is False


def test_extra_vars_verbosity_and_interpreter(run_playbook):
    import sys

    run = run_playbook([
        {"name": "vars", "ansible.builtin.debug": {"msg": "{{ greeting }} {{ ansible_python_interpreter }}"}},
    ], extra_vars={"greeting": "hello"}, verbosity=4)
    assert run.results[0]["msg"] == "hello " + sys.executable
    assert "ansible-playbook [core 2." in run.stdout  # -v and more print the version banner


def test_playbook_file(run_playbook, tmp_path, simulator):
    playbook = tmp_path / "play.yml"
    playbook.write_text(
        "- name: From a file\n"
        "  hosts: localhost\n"
        "  gather_facts: false\n"
        "  tasks:\n"
        "    - name: Reach the simulator\n"
        "      ansible.builtin.uri:\n"
        "        url: \"{{ lookup('ansible.builtin.env', 'TESTPRESS_URL') }}/api/v2.5/admin/users/\"\n"
        "        status_code: [401]\n"
    )
    run = run_playbook(str(playbook))
    assert run.results[0]["task"] == "Reach the simulator" and run.results[0]["status"] == 401
    assert [(e["method"], e["path"], e["status"]) for e in run.log] == [("GET", "/api/v2.5/admin/users/", 401)]


@pytest.mark.core_matrix
def test_the_plays_run_on_the_ansible_core_under_test(run_playbook):
    """A version leg of make test (TESTPRESS_ANSIBLE_BIN, TESTPRESS_ANSIBLE_CORE) really runs that ansible-core:
    a leg that fell back to this venv's would pass without testing anything."""
    run = run_playbook([
        {"name": "version", "ansible.builtin.debug": {"msg": "{{ ansible_version.full }} {{ ansible_playbook_python }}"}},
        {"name": "module python", "ansible.builtin.command": {"argv": ["{{ ansible_python_interpreter }}", "-c",
                                                                       "import sys; print(sys.executable)"]}},
    ])
    version, controller = run.result("version")["msg"].split(" ")
    module_python = run.result("module python")["stdout"]
    bin_dir = os.environ.get("TESTPRESS_ANSIBLE_BIN")
    if bin_dir:
        assert version.startswith(os.environ["TESTPRESS_ANSIBLE_CORE"] + "."), version
    else:
        bin_dir = os.path.dirname(sys.executable)
        assert version == ANSIBLE_VERSION
    # The venv's directory, whatever symlink (the worktree's .venv) led to it.
    assert os.path.realpath(os.path.dirname(controller)) == os.path.realpath(bin_dir)
    assert os.path.realpath(os.path.dirname(module_python)) == os.path.realpath(bin_dir)


def test_a_password_of_any_length_is_scanned_short_ones_as_whole_tokens():
    from ansible_collections.testpress.lms.tests.harness.playbook import password_in
    assert password_in('Q7z', 'msg: "Q7z"') and password_in('Q7z', 'login Q7z failed') and password_in('7', "['7']")
    assert not password_in('Q7z', 'aQ7zb') and not password_in('ok', 'look, token')     # by chance inside words: no
    assert password_in('Long-Pass-1', 'xxLong-Pass-1yy')
