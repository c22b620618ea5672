# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""testpress.lms.testpress_user_courses, run by the real ansible-playbook against the simulator.

Asserts results and the request log. Seed: course ids from 278 (Master of Business Administration 278,
Language training 279, Entrance Coaching 280, Skill Development Training 281, TD 282, Course 01.. from 283);
john (1882) takes 278; jdoe (1884) takes 279 and 282; johnny (1883) takes none.
"""

from __future__ import annotations


import pytest

from ansible_collections.testpress.lms.tests.harness.playbook import run_cases

COURSES_MODULE = "testpress.lms.testpress_user_courses"
COURSES_OF = "/api/v2.5/admin/users/%d/courses/"


def enrol(**options):
    return {"name": "courses", COURSES_MODULE: options}


def sent(run):
    return [(entry["method"], entry["path"], entry["body"]) for entry in run.writes]


def titles(result):
    return sorted(course["title"] for course in result["courses"])


@pytest.mark.core_matrix
def test_by_title_slug_and_id_one_post_then_rerun_writes_nothing(run_playbook, simulator):
    task = enrol(username="john", courses=["Language training", "entrance-coaching", 282, "Master of Business Administration"])
    first = run_playbook([task])
    assert sent(first) == [("POST", COURSES_OF % 1882, {"courses": [279, 280, 282]})]
    assert simulator.user_course_ids("john") == [278, 279, 280, 282]
    result = first.results[0]
    assert result["changed"] is True and result["user_id"] == 1882
    assert result["added"] == [{"id": 279, "name": "Language training"}, {"id": 280, "name": "Entrance Coaching"},
                               {"id": 282, "name": "TD"}]
    assert result["removed"] == [] and "updated" not in result
    assert {"id": 280, "name": "Entrance Coaching", "title": "Entrance Coaching", "slug": "entrance-coaching"} in result["courses"]
    assert titles(result) == ["Entrance Coaching", "Language training", "Master of Business Administration", "TD"]
    assert ("GET", "/api/v2.5/admin/courses/", {"q": "entrance-coaching"}) in [
        (entry["method"], entry["path"], entry["query"]) for entry in first.log]

    second = run_playbook([task])
    assert second.writes == [] and second.results[0]["changed"] is False and second.results[0]["added"] == []


def test_title_is_matched_exactly_among_fuzzy_search_results(run_playbook, simulator):
    advanced = simulator.add_course("TD Advanced")
    run = run_playbook([enrol(username="johnny", courses=["TD"])])
    assert sent(run) == [("POST", COURSES_OF % 1883, {"courses": [282]})]
    assert advanced not in simulator.user_course_ids("johnny")


def test_a_title_on_the_second_page_of_the_catalogue_search(run_playbook, simulator):
    course_id = simulator.add_course("Course", slug="course")      # ?q=Course: 26 courses, the exact one last
    run = run_playbook([enrol(username="johnny", courses=["Course"])])
    assert [entry["query"] for entry in run.log if entry["path"] == "/api/v2.5/admin/courses/"] == [
        {"q": "Course"}, {"q": "Course", "page": "2"}]
    assert sent(run) == [("POST", COURSES_OF % 1883, {"courses": [course_id]})]


def test_exact_across_two_pages_sends_one_delete_then_rerun_writes_nothing(run_playbook, simulator):
    all_titles = ["Course %02d" % n for n in range(1, 26)]
    cara = simulator.add_user("cara", courses=all_titles)
    kept = ["Course 02", "course-20", 307]                  # a title, a slug and an id (Course 25)
    task = enrol(username="cara", courses=kept, state="exact")
    run = run_playbook([task])

    reads = [entry["query"].get("page", "1") for entry in run.log
             if entry["method"] == "GET" and entry["path"] == COURSES_OF % cara]
    assert reads[:2] == ["1", "2"]
    (delete,) = run.writes
    assert (delete["method"], delete["path"]) == ("DELETE", COURSES_OF % cara)
    assert sorted(delete["body"]["courses"]) == [cid for cid in range(283, 308) if cid not in (284, 302, 307)]
    assert simulator.user_course_ids("cara") == [284, 302, 307]
    assert titles(run.results[0]) == ["Course 02", "Course 20", "Course 25"]
    assert len(run.results[0]["removed"]) == 22

    assert run_playbook([task]).writes == []


def test_exact_enrols_and_withdraws_one_call_each(run_playbook, simulator):
    run = run_playbook([enrol(user_id=1884, courses=["td", "Entrance Coaching"], state="exact")])
    assert sent(run) == [
        ("POST", COURSES_OF % 1884, {"courses": [280]}),
        ("DELETE", COURSES_OF % 1884, {"courses": [279]}),
    ]
    assert simulator.user_course_ids("jdoe") == [280, 282]


def test_absent_withdraws_only_what_is_held(run_playbook, simulator):
    task = enrol(username="jdoe", courses=["Language training", "Master of Business Administration"], state="absent")
    run = run_playbook([task])
    assert sent(run) == [("DELETE", COURSES_OF % 1884, {"courses": [279]})]
    assert run.results[0]["removed"] == [{"id": 279, "name": "Language training"}]
    assert titles(run.results[0]) == ["TD"]
    assert simulator.user_course_ids("jdoe") == [282]
    assert run_playbook([task]).writes == []


UNKNOWN_COURSES = [
    (["Master of Business"], "courses: no course named 'Master of Business' "
                             "(close candidates: 'Master of Business Administration')"),
    (["Language Training"], "courses: no course named 'Language Training' (close candidates: 'Language training')"),
    ([99], "courses: no course with id 99"),
    ([21], "courses: no course with id 21"),                 # a batch id is not a course id
]


@pytest.fixture(scope="module")
def unknown_course_run(run_playbook_shared):
    run = run_cases(run_playbook_shared, [enrol(username="jdoe", courses=["TD"] + courses, state="exact")
                                          for courses, _msg in UNKNOWN_COURSES], failing=True)
    return run, run_playbook_shared.simulator.user_course_ids("jdoe")


@pytest.mark.parametrize("index", range(len(UNKNOWN_COURSES)))
def test_unknown_course_fails_naming_it_and_writes_nothing(unknown_course_run, index):
    run, jdoe_courses = unknown_course_run
    result = run.result("case %d" % index)
    assert result["failed"] is True and result["msg"] == UNKNOWN_COURSES[index][1]
    assert run.writes == []
    assert jdoe_courses == [279, 282]


def test_a_title_shared_by_two_courses_is_ambiguous(run_playbook, simulator):
    twin = simulator.add_course("TD", slug="td-2")
    run = run_playbook([enrol(username="johnny", courses=["TD"])], expect_failure=True)
    assert run.results[0]["msg"] == ("courses: 'TD' names 2 courses: 'TD' (slug td, id 282), 'TD' (slug td-2, id %d); "
                                     "list the id instead" % twin)
    assert run.writes == []
    by_slug = run_playbook([enrol(username="johnny", courses=["td-2"])])
    assert sent(by_slug) == [("POST", COURSES_OF % 1883, {"courses": [twin]})]


def test_unknown_student_fails_before_any_write(run_playbook):
    run = run_playbook([enrol(username="nobody", courses=["TD"])], expect_failure=True)
    assert run.results[0]["msg"].startswith("username: no user named 'nobody' exists on the institute")
    assert run.writes == []


def test_expires_is_not_an_option_of_courses(run_playbook):
    run = run_playbook([enrol(username="john", courses=["TD"], expires="2031-03-31")], expect_failure=True)
    assert "Unsupported parameters" in run.results[0]["msg"] and "expires" in run.results[0]["msg"]
    assert run.writes == []


def test_check_mode_create_then_enrol_runs_through(run_playbook, simulator):
    run = run_playbook([
        {"name": "account", "testpress.lms.testpress_user": {"username": "freshman", "password": "Fresh-pass-1"}},
        enrol(username="freshman", courses=["TD", "language-training"]),
    ], check=True)
    account, courses = run.results
    assert account["changed"] and courses["changed"]
    assert courses["added"] == [{"id": 282, "name": "TD"}, {"id": 279, "name": "Language training"}]
    assert run.writes == [] and simulator.user("freshman") is None


CHECK_MODE_CASES = [
    ({"courses": ["TD"]}, False,
     ["Language training", "TD"], ["Language training", "TD"]),
    ({"courses": ["Entrance Coaching"]}, True,
     ["Language training", "TD"], ["Entrance Coaching", "Language training", "TD"]),
    ({"courses": ["td", "Master of Business Administration"], "state": "absent"}, True,
     ["Language training", "TD"], ["Language training"]),
    ({"courses": [278, "TD"], "state": "exact"}, True,
     ["Language training", "TD"], ["Master of Business Administration", "TD"]),
    ({"courses": [279, "TD"], "state": "exact"}, False,
     ["Language training", "TD"], ["Language training", "TD"]),
]


@pytest.fixture(scope="module")
def check_mode_run(run_playbook_shared):
    """Every case of CHECK_MODE_CASES as a task of one check-mode run with --diff (check mode writes nothing, so each
    task meets the seed), and jdoe's courses right after it."""
    run = run_cases(run_playbook_shared, [enrol(username="jdoe", **options) for options, _changed, _before, _after in CHECK_MODE_CASES],
                    check=True, diff=True)
    return run, run_playbook_shared.simulator.user_course_ids("jdoe")


@pytest.mark.parametrize("index", range(len(CHECK_MODE_CASES)))
@pytest.mark.core_matrix
def test_check_mode_diff_for_each_state_writes_nothing(check_mode_run, index):
    _options, changed, before, after = CHECK_MODE_CASES[index]
    run, jdoe_courses = check_mode_run
    result = run.result("case %d" % index)
    assert result["changed"] is changed
    assert result["diff"] == {"before": {"courses": before}, "after": {"courses": after}}
    assert titles(result) == after
    assert run.writes == []
    assert jdoe_courses == [279, 282]
    assert ("+++ after" in run.output_of("case %d" % index)) is changed


@pytest.mark.core_matrix
def test_examples_run_and_are_idempotent(run_playbook, simulator, module_examples):
    examples = module_examples("testpress_user_courses")
    assert examples and all(COURSES_MODULE in task for task in examples)
    extra = {"testpress_url": simulator.url, "testpress_admin": "admin", "testpress_admin_password": "admin-pass"}

    run = run_playbook(examples, extra_vars=extra)
    assert [r["changed"] for r in run.results] == [True, True, True, True]
    assert simulator.user_course_ids("john") == [279, 280]
    assert simulator.user_course_ids("johnny") == [278]
    assert simulator.user_course_ids("jdoe") == [282]

    rerun = run_playbook(examples, extra_vars=extra)
    assert rerun.writes == [] and not rerun.changed
