# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""testpress.lms.testpress_user_batches, run by the real ansible-playbook against the simulator.

Every test asserts the module's results and the simulator's request log: the exact writes sent
(method, path, body), and none at all on a rerun or in check mode.
Seed ids: john 1882 (UPSC 21 until 2030-01-31, UPSC Morning Batch 22), johnny 1883, jdoe 1884.
"""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.testpress.lms.tests.harness.playbook import run_cases

MODULE = "testpress.lms.testpress_user_batches"
JOHN = 1882


def batches_task(name="batches", **args):
    return {"name": name, MODULE: args}


def batch_id(simulator, name):
    (found,) = [b["id"] for b in simulator.batches.values() if b["name"] == name]
    return found


def writes(run):
    """(method, path, body) of each write of a run."""
    return [(w["method"], w["path"], w["body"]) for w in run.writes]


def member_path(user_id, sub="batches"):
    return "/api/v2.5/admin/users/%d/%s/" % (user_id, sub)


@pytest.mark.core_matrix
def test_present_by_name_and_id_sends_one_post_with_the_missing_ids_then_rerun_writes_nothing(run_playbook, simulator):
    task = batches_task(username="john", batches=["UPSC", "UPSC Evening Batch", 24])
    run = run_playbook([task])
    result = run.results[0]

    assert writes(run) == [("POST", member_path(JOHN), {"batches": [23, 24]})]
    assert simulator.user_batch_ids("john") == [21, 22, 23, 24]
    assert result["changed"] is True and result["user_id"] == JOHN
    assert result["added"] == [{"id": 23, "name": "UPSC Evening Batch"}, {"id": 24, "name": "NEET Morning Batch"}]
    assert result["removed"] == [] and result["updated"] == []
    assert sorted(result["batches"], key=lambda b: b["id"]) == [
        {"id": 21, "name": "UPSC", "expires": "2030-01-31"},
        {"id": 22, "name": "UPSC Morning Batch", "expires": "2030-01-31"},
        {"id": 23, "name": "UPSC Evening Batch", "expires": None},
        {"id": 24, "name": "NEET Morning Batch", "expires": None},
    ]
    # The name was looked up with the API's search; the id the search did not return, read by id.
    assert ("GET", "/api/v2.5/admin/batches/", {"search": "UPSC Evening Batch"}) in [
        (e["method"], e["path"], e["query"]) for e in run.log]

    again = run_playbook([task])
    assert again.writes == []
    assert again.results[0]["changed"] is False
    assert again.results[0]["added"] == [] and again.results[0]["removed"] == []
    assert simulator.user_batch_ids("john") == [21, 22, 23, 24]


def test_the_exact_name_is_picked_not_the_substring_matches(run_playbook, simulator):
    # ?search=UPSC answers UPSC, UPSC Morning Batch and UPSC Evening Batch; johnny gets UPSC only.
    run = run_playbook([batches_task(username="johnny", batches=["UPSC"])])
    assert writes(run) == [("POST", member_path(1883), {"batches": [21]})]
    assert simulator.user_batch_ids("johnny") == [21, 24]


def test_a_name_found_on_the_second_page_of_the_search(run_playbook, simulator):
    # ?search=Batch answers 37 batches, 20 a page; the one named exactly "Batch" comes last.
    exact = simulator.add_batch("Batch")
    run = run_playbook([batches_task(username="johnny", batches=["Batch"])])
    searches = [e["query"] for e in run.log if e["path"] == "/api/v2.5/admin/batches/"]
    assert searches == [{"search": "Batch"}, {"search": "Batch", "page": "2"}]
    assert writes(run) == [("POST", member_path(1883), {"batches": [exact]})]


def test_by_user_id(run_playbook, simulator):
    run = run_playbook([batches_task(user_id=1884, batches=["Test Batch"])])
    assert writes(run) == [("POST", member_path(1884), {"batches": [27]})]
    assert run.results[0]["user_id"] == 1884
    assert simulator.user_batch_ids("jdoe") == [26, 27]


def test_exact_on_a_user_with_25_batches_reads_both_pages_and_sends_one_delete(run_playbook, simulator):
    names = ["Batch %02d" % n for n in range(1, 26)]
    user_id = simulator.add_user("ann", batches=names)
    keep = ["Batch 01", "Batch 13", "Batch 25"]
    task = batches_task(username="ann", batches=keep, state="exact")
    run = run_playbook([task])

    pages = [e["query"].get("page", "1") for e in run.log if e["method"] == "GET" and e["path"] == member_path(user_id)]
    assert pages == ["1", "2", "1"]       # read to the last page; read back after the write
    (delete,) = run.writes
    assert (delete["method"], delete["path"]) == ("DELETE", member_path(user_id))
    others = sorted(batch_id(simulator, name) for name in names if name not in keep)
    assert len(others) == 22 and sorted(delete["body"]["batches"]) == others
    assert simulator.user_batch_ids("ann") == sorted(batch_id(simulator, name) for name in keep)
    result = run.results[0]
    assert result["changed"] is True and result["added"] == []
    assert sorted(r["name"] for r in result["removed"]) == sorted(set(names) - set(keep))
    assert sorted(b["name"] for b in result["batches"]) == keep

    again = run_playbook([task])
    assert again.writes == [] and again.results[0]["changed"] is False


def test_exact_adds_and_removes_in_one_call_each(run_playbook, simulator):
    run = run_playbook([batches_task(username="john", batches=["UPSC", "Test Batch"], state="exact")])
    assert writes(run) == [
        ("POST", member_path(JOHN), {"batches": [27]}),
        ("DELETE", member_path(JOHN), {"batches": [22]}),
    ]
    assert simulator.user_batch_ids("john") == [21, 27]


def test_absent_of_a_held_and_an_unheld_batch_deletes_the_held_one_only(run_playbook, simulator):
    task = batches_task(username="john", batches=["UPSC Morning Batch", "NEET Morning Batch"], state="absent")
    run = run_playbook([task])
    assert writes(run) == [("DELETE", member_path(JOHN), {"batches": [22]})]
    assert run.results[0]["removed"] == [{"id": 22, "name": "UPSC Morning Batch"}]
    assert run.results[0]["batches"] == [{"id": 21, "name": "UPSC", "expires": "2030-01-31"}]
    assert simulator.user_batch_ids("john") == [21]

    again = run_playbook([task])
    assert again.writes == [] and again.results[0]["changed"] is False


UNKNOWN_BATCHES = [
    (["UPSC", "UPSC Morning"],
     "batches: no batch named 'UPSC Morning' (close candidates: 'UPSC Morning Batch')"),
    (["Physics 101"], "batches: no batch named 'Physics 101'"),
    ([9999], "batches: no batch with id 9999"),
    (["21"], "batches: no batch named '21' (close candidates: 'Batch 21')"),   # a quoted number is a name
]


@pytest.fixture(scope="module")
def unknown_batch_run(run_playbook_shared):
    run = run_cases(run_playbook_shared, [batches_task(username="johnny", batches=batches, state="exact")
                                          for batches, _message in UNKNOWN_BATCHES], failing=True)
    return run, run_playbook_shared.simulator.user_batch_ids("johnny")


@pytest.mark.parametrize("index", range(len(UNKNOWN_BATCHES)))
def test_unknown_batch_fails_naming_it_and_writes_nothing(unknown_batch_run, index):
    run, johnny_batches = unknown_batch_run
    result = run.result("case %d" % index)
    assert result["failed"] is True
    assert result["msg"] == UNKNOWN_BATCHES[index][1]
    assert run.writes == []
    assert johnny_batches == [24]


def test_ambiguous_name_fails_naming_the_candidates_and_writes_nothing(run_playbook, simulator):
    other = simulator.add_batch("UPSC")
    run = run_playbook([batches_task(username="johnny", batches=["NEET Morning Batch", "UPSC", "Test Batch"])],
                       expect_failure=True)
    assert run.results[0]["msg"] == "batches: 'UPSC' names 2 batches: 'UPSC' (id 21), 'UPSC' (id %d); list the id instead" % other
    assert run.writes == []

    by_id = run_playbook([batches_task(username="johnny", batches=[other])])
    assert writes(by_id) == [("POST", member_path(1883), {"batches": [other]})]


UNKNOWN_USERS = [
    ({"username": "ghost"}, "username: no user named 'ghost' exists on the institute"),
    ({"username": "joh"}, "username: no user named 'joh' exists on the institute"),   # ?q=joh finds john, johnny
    ({"user_id": 4242}, "user_id: no user with id 4242 exists on the institute"),
]


@pytest.fixture(scope="module")
def unknown_user_run(run_playbook_shared):
    return run_cases(run_playbook_shared, [batches_task(batches=["UPSC"], **args) for args, _message in UNKNOWN_USERS], failing=True)


@pytest.mark.parametrize("index", range(len(UNKNOWN_USERS)))
def test_unknown_user_fails_naming_it_and_writes_nothing(unknown_user_run, index):
    result = unknown_user_run.result("case %d" % index)
    assert result["failed"] is True and result["msg"].startswith(UNKNOWN_USERS[index][1])
    assert unknown_user_run.writes == []


BAD_ITEMS = [
    ([True], "batches: item 1 (True) is a bool"),
    (["UPSC", 1.5], "batches: item 2 (1.5) is a float"),
    ([None], "batches: item 1 (None) is a NoneType"),
]


@pytest.fixture(scope="module")
def bad_items_run(run_playbook_shared):
    return run_cases(run_playbook_shared, [batches_task(username="john", batches=batches) for batches, _words in BAD_ITEMS], failing=True)


@pytest.mark.parametrize("index", range(len(BAD_ITEMS)))
def test_bad_items_fail_before_any_request(bad_items_run, index):
    result = bad_items_run.result("case %d" % index)
    assert result["failed"] is True and result["msg"].startswith(BAD_ITEMS[index][1])
    # No task of the run sent a request but the login.
    assert [e for e in bad_items_run.log if e["path"] != "/api/v2.5/auth-token/"] == []


BAD_OPTIONS = [
    ({"expires": "2031-02-30"}, "expires: '2031-02-30' is not a date; use YYYY-MM-DD"),
    ({"expires": "31/13/2031"}, "expires: '31/13/2031' is not a date; use YYYY-MM-DD or DD/MM/YYYY"),
    ({"expires": "2031-03-31", "state": "absent"}, "expires cannot be used with state=absent"),
    ({"user_id": JOHN}, "parameters are mutually exclusive: username|user_id"),
]


@pytest.fixture(scope="module")
def bad_options_run(run_playbook_shared):
    return run_cases(run_playbook_shared, [batches_task(**dict({"username": "john", "batches": ["UPSC"]}, **args))
                                           for args, _words in BAD_OPTIONS], failing=True)


@pytest.mark.parametrize("index", range(len(BAD_OPTIONS)))
def test_bad_options_fail_and_write_nothing(bad_options_run, index):
    result = bad_options_run.result("case %d" % index)
    assert result["failed"] is True and BAD_OPTIONS[index][1] in result["msg"]
    assert bad_options_run.writes == []


def test_neither_username_nor_user_id_fails(run_playbook):
    run = run_playbook([batches_task(batches=["UPSC"])], expect_failure=True)
    assert "one of the following is required: username, user_id" in run.results[0]["msg"]
    assert run.writes == []


def test_check_mode_of_create_user_then_give_batches_reports_both_changes_and_writes_nothing(run_playbook, simulator):
    run = run_playbook([
        {"name": "create", "testpress.lms.testpress_user": {"username": "newbie", "password": "Newbie-pass-1"}},
        batches_task(username="newbie", batches=["UPSC", 27], expires="2031-03-31"),
    ], check=True, diff=True)
    create, give = run.results
    assert create["changed"] is True and give["changed"] is True
    assert give["user_id"] is None
    assert give["added"] == [{"id": 21, "name": "UPSC"}, {"id": 27, "name": "Test Batch"}]
    assert give["batches"] == [{"id": 21, "name": "UPSC", "expires": "2031-03-31"},
                               {"id": 27, "name": "Test Batch", "expires": "2031-03-31"}]
    assert give["diff"] == {"before": {"batches": []},
                            "after": {"batches": ["Test Batch (expires 2031-03-31)", "UPSC (expires 2031-03-31)"]}}
    assert run.writes == []
    assert all(e["method"] == "GET" for e in run.log if e["path"] != "/api/v2.5/auth-token/")
    assert simulator.user("newbie") is None


def test_check_mode_of_a_missing_user_still_validates_names(run_playbook):
    run = run_playbook([batches_task(username="newbie", batches=["UPSC Morning"])], check=True, expect_failure=True)
    assert run.results[0]["msg"].startswith("batches: no batch named 'UPSC Morning'")
    assert run.writes == []


def test_the_real_run_of_create_user_then_give_batches(run_playbook, simulator):
    tasks = [
        {"name": "create", "testpress.lms.testpress_user": {"username": "newbie", "password": "Newbie-pass-1"}},
        batches_task(username="newbie", batches=["UPSC", 27]),
    ]
    run = run_playbook(tasks)
    user_id = simulator.user("newbie")["id"]
    assert writes(run)[-1] == ("POST", member_path(user_id), {"batches": [21, 27]})
    assert simulator.user_batch_ids("newbie") == [21, 27]
    assert run_playbook(tasks).writes == []


def test_expires_adds_and_moves_in_one_subscriptions_call_rerun_writes_nothing_then_a_new_date_is_one_call(
        run_playbook, simulator):
    task = batches_task(username="john", batches=["UPSC", "UPSC Evening Batch"], expires="2031-03-31")
    run = run_playbook([task])
    assert writes(run) == [("POST", member_path(JOHN, "subscriptions"), {"batches": [23, 21], "expires": "2031-03-31"})]
    assert simulator.user_expiries("john") == {21: "2031-03-31", 22: "2030-01-31", 23: "2031-03-31"}
    result = run.results[0]
    assert result["added"] == [{"id": 23, "name": "UPSC Evening Batch"}]
    assert result["updated"] == [{"id": 21, "name": "UPSC"}]
    assert sorted(result["batches"], key=lambda b: b["id"]) == [
        {"id": 21, "name": "UPSC", "expires": "2031-03-31"},
        {"id": 22, "name": "UPSC Morning Batch", "expires": "2030-01-31"},
        {"id": 23, "name": "UPSC Evening Batch", "expires": "2031-03-31"},
    ]

    again = run_playbook([task])
    assert again.writes == [] and again.results[0]["changed"] is False and again.results[0]["updated"] == []

    # A YAML date (unquoted in a playbook) works as well as a string.
    moved = run_playbook([batches_task(username="john", batches=["UPSC", "UPSC Evening Batch"],
                                       expires=datetime.date(2032, 6, 30))])
    assert writes(moved) == [("POST", member_path(JOHN, "subscriptions"), {"batches": [21, 23], "expires": "2032-06-30"})]
    assert moved.results[0]["added"] == [] and moved.results[0]["changed"] is True
    assert simulator.user_expiries("john") == {21: "2032-06-30", 22: "2030-01-31", 23: "2032-06-30"}


def test_without_expires_expiries_are_left_alone(run_playbook, simulator):
    run = run_playbook([batches_task(username="john", batches=["UPSC", "Test Batch"])])
    assert writes(run) == [("POST", member_path(JOHN), {"batches": [27]})]
    assert simulator.user_expiries("john") == {21: "2030-01-31", 22: "2030-01-31", 27: None}


CHECK_MODE_CASES = [
    ({"batches": ["UPSC", "Test Batch"]}, True,
     {"before": ["UPSC", "UPSC Morning Batch"], "after": ["Test Batch", "UPSC", "UPSC Morning Batch"]}),
    ({"batches": ["UPSC"], "state": "present"}, False,
     {"before": ["UPSC", "UPSC Morning Batch"], "after": ["UPSC", "UPSC Morning Batch"]}),
    ({"batches": ["UPSC Morning Batch", "Test Batch"], "state": "absent"}, True,
     {"before": ["UPSC", "UPSC Morning Batch"], "after": ["UPSC"]}),
    ({"batches": ["Test Batch", 22], "state": "exact"}, True,
     {"before": ["UPSC", "UPSC Morning Batch"], "after": ["Test Batch", "UPSC Morning Batch"]}),
    ({"batches": ["UPSC"], "state": "exact", "expires": "2031-03-31"}, True,
     {"before": ["UPSC (expires 2030-01-31)", "UPSC Morning Batch (expires 2030-01-31)"],
      "after": ["UPSC (expires 2031-03-31)"]}),
]


@pytest.fixture(scope="module")
def check_mode_run(run_playbook_shared):
    """Every case of CHECK_MODE_CASES as a task of one check-mode run with --diff (check mode writes nothing, so each
    task meets the seed), and john's batches right after it."""
    run = run_cases(run_playbook_shared, [batches_task(username="john", **args) for args, _changed, _diff in CHECK_MODE_CASES],
                    check=True, diff=True)
    return run, run_playbook_shared.simulator.user_batch_ids("john")


@pytest.mark.parametrize("index", range(len(CHECK_MODE_CASES)))
@pytest.mark.core_matrix
def test_check_mode_with_diff_reports_the_change_and_writes_nothing(check_mode_run, index):
    args, changed, diff = CHECK_MODE_CASES[index]
    run, john_batches = check_mode_run
    result = run.result("case %d" % index)
    assert result["changed"] is changed
    assert result["diff"] == {"before": {"batches": diff["before"]}, "after": {"batches": diff["after"]}}
    assert run.writes == []
    assert john_batches == [21, 22]
    assert sorted(b["name"] for b in result["batches"]) == [line.split(" (")[0] for line in diff["after"]]
    assert "Callback dispatch" not in run.stdout           # the default callback can display it
    if changed:
        assert "+++ after" in run.output_of("case %d" % index)     # and does


@pytest.mark.core_matrix
def test_diff_of_a_real_run(run_playbook):
    run = run_playbook([batches_task(username="jdoe", batches=["UPSC"], state="exact")], diff=True)
    assert run.results[0]["diff"] == {"before": {"batches": ["IBPS Online Batch"]}, "after": {"batches": ["UPSC"]}}
    assert "-        \"IBPS Online Batch\"" in run.stdout and "+        \"UPSC\"" in run.stdout
    assert writes(run) == [("POST", member_path(1884), {"batches": [21]}), ("DELETE", member_path(1884), {"batches": [26]})]


@pytest.mark.core_matrix
def test_examples_run_against_the_simulator_and_a_rerun_changes_nothing(run_playbook, simulator, module_examples):
    examples = module_examples("testpress_user_batches")
    assert all(MODULE in task or "ansible.builtin.debug" in task for task in examples)
    connection = {"testpress_url": simulator.url, "testpress_admin": "admin", "testpress_admin_password": "admin-pass"}
    run = run_playbook(examples, extra_vars=connection)
    assert [r["task"] for r in run.results] == [task["name"] for task in examples]
    assert not any(r["failed"] for r in run.results)
    assert simulator.user_batch_ids("john") == [21, 22, 23, 27]
    assert simulator.user_expiries("john")[21] == "2031-03-31"
    assert simulator.user_batch_ids("johnny") == [24, 25]
    assert simulator.user_batch_ids("jdoe") == []
    assert simulator.user_batch_ids("student0") == [27]           # the check-mode audit changed nothing
    audit = run.results[4]
    assert audit["changed"] is True and audit["added"] == [{"id": 28, "name": "Batch 01"}] and audit["removed"] == []

    again = run_playbook(examples, extra_vars=connection)
    assert again.writes == []
    assert [r["changed"] for r in again.results[:4]] == [False, False, False, False]
