# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The membership engine (plugins/module_utils/_membership.py) without HTTP.

``FakeAPI`` stands in for ``TestpressAPI`` (the dependency, not the code under test): an in-memory
catalogue searched by substring as the real API does, users with their items and expiries, and a
record of every call. ``FakeModule`` stands in for ``TestpressModule``: params, check mode, the
check-mode decision (``carry_out``) and ``exit``.
"""

from __future__ import annotations

import pytest

from ansible_collections.testpress.lms.plugins.module_utils import _membership as membership
from ansible_collections.testpress.lms.plugins.module_utils import _errors
from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError
from ansible_collections.testpress.lms.plugins.module_utils._module import TestpressModule
from ansible_collections.testpress.lms.plugins.module_utils._tasks import membership_argument_spec, run_membership

BATCHES = membership.BATCHES
COURSES = membership.COURSES

BATCH_NAMES = ["UPSC", "UPSC Morning Batch", "UPSC Evening Batch", "NEET Morning Batch", "Test Batch"]
BATCH_CATALOGUE = [{"id": 21 + n, "name": name, "url": "u"} for n, name in enumerate(BATCH_NAMES)]
COURSE_CATALOGUE = [
    {"id": 278, "title": "Master of Business Administration", "slug": "master-of-business-administration"},
    {"id": 279, "title": "Language training", "slug": "language-training"},
    {"id": 282, "title": "TD", "slug": "td"},
    {"id": 283, "title": "TD Advanced", "slug": "td-advanced"},
]


def batch(item_id):
    return dict(next(b for b in BATCH_CATALOGUE if b["id"] == item_id))


def course(item_id):
    return dict(next(c for c in COURSE_CATALOGUE if c["id"] == item_id))


class FakeClient:
    """What the recovery of unknown outcomes asks of the client: its retry budget, its pause and its journal."""

    max_retries = 2
    journal = None

    def pause(self, attempt):
        pass


class FakeAPI:
    """In-memory stand-in for TestpressAPI; ``calls`` records (method name, args)."""

    client = FakeClient()

    def __init__(self, batches=None, courses=None, users=None):
        self.catalogue = {"batches": list(batches or BATCH_CATALOGUE), "courses": list(courses or COURSE_CATALOGUE)}
        # username -> {"id", "batches": {id: expires}, "courses": {id: None}}
        self.users = users or {}
        self.calls = []

    def _user(self, user_id):
        return next(u for u in self.users.values() if u["id"] == user_id)

    def _item(self, kind, item_id):
        return next(i for i in self.catalogue[kind] if i["id"] == item_id)

    def find_user(self, username):
        self.calls.append(("find_user", (username,)))
        user = self.users.get(username)
        return None if user is None else {"id": user["id"], "username": username}

    def get_user(self, user_id):
        self.calls.append(("get_user", (user_id,)))
        for username, user in self.users.items():
            if user["id"] == user_id:
                return {"id": user_id, "username": username}
        raise _errors.TestpressError("GET", "/api/v2.5/admin/users/%d/" % user_id, 404, "Not found.")

    def search_catalogue(self, kind, text):
        self.calls.append(("search_catalogue", (kind, text)))
        fields = ("name",) if kind == "batches" else ("title", "slug")
        return [dict(i) for i in self.catalogue[kind] if any(text.lower() in str(i[f]).lower() for f in fields)]

    def get_catalogue_item(self, kind, item_id):
        self.calls.append(("get_catalogue_item", (kind, item_id)))
        for item in self.catalogue[kind]:
            if item["id"] == item_id:
                return dict(item)
        raise _errors.TestpressError("GET", "/api/v2.5/admin/%s/%d/" % (kind, item_id), 404, "Not found.")

    def list_members(self, kind, user_id):
        self.calls.append(("list_members", (kind, user_id)))
        return [dict(self._item(kind, i)) for i in self._user(user_id)[kind]]

    def list_subscriptions(self, user_id):
        self.calls.append(("list_subscriptions", (user_id,)))
        held = self._user(user_id)["batches"]
        return [{"id": 5000 + i, "batch": dict(self._item("batches", i)), "expires": e} for i, e in held.items()]

    def add_members(self, kind, user_id, ids):
        self.calls.append(("add_members", (kind, user_id, list(ids))))
        for i in ids:
            self._user(user_id)[kind][i] = None

    def remove_members(self, kind, user_id, ids):
        self.calls.append(("remove_members", (kind, user_id, list(ids))))
        for i in ids:
            del self._user(user_id)[kind][i]

    def add_subscriptions(self, user_id, ids, expires):
        self.calls.append(("add_subscriptions", (user_id, list(ids), expires)))
        for i in ids:
            self._user(user_id)["batches"][i] = expires

    @property
    def writes(self):
        return [c for c in self.calls if c[0] in ("add_members", "remove_members", "add_subscriptions")]


class Exited(Exception):
    pass


class FakeModule:
    """Stand-in for TestpressModule around a fake API, with the real write choke point and exit."""

    carry_out = TestpressModule.carry_out
    exit = TestpressModule.exit
    _reported = TestpressModule._reported

    def __init__(self, api, params, check_mode=False, diff_mode=True):
        self.api = api
        self.ansible = self
        self.params = dict({"username": None, "user_id": None, "state": "present", "expires": None}, **params)
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.invocation = None
        self.result = None

    def exit_json(self, **result):
        self.result = result
        raise Exited()


def run(api, kind, check_mode=False, **params):
    module = FakeModule(api, params, check_mode=check_mode)
    with pytest.raises(Exited):
        run_membership(module, kind.option)
    return module.result


def john(batches=None, courses=None):
    return {"john": {"id": 1882, "batches": dict(batches or {}), "courses": dict(courses or {})}}


# ------------------------------------------------------------------ input

@pytest.mark.parametrize("items, expected", [
    ([21, "UPSC"], [21, "UPSC"]),
    (["  UPSC  "], ["UPSC"]),
    (["42"], ["42"]),           # a numeric string is a name
    ([], []),
])
def test_validate_items_keeps_ints_as_ids_and_strings_as_names(items, expected):
    clean = membership.validate_items(BATCHES, items)
    assert clean == expected
    assert [type(i) for i in clean] == [type(i) for i in expected]


@pytest.mark.parametrize("bad, words", [
    (True, "bool"),
    (1.5, "float"),
    (None, "NoneType"),
    ({"id": 21}, "dict"),
    ([21], "list"),
    (0, "not a valid batch id"),
    (-3, "not a valid batch id"),
    ("   ", "empty name"),
])
def test_validate_items_rejects_bad_items_naming_option_and_item(bad, words):
    with pytest.raises(InputError) as err:
        membership.validate_items(BATCHES, ["UPSC", bad])
    assert str(err.value).startswith("batches: item 2")
    assert words in str(err.value)


def test_validate_items_names_every_bad_item_and_the_courses_option():
    with pytest.raises(InputError) as err:
        membership.validate_items(COURSES, [False, "TD", 2.0])
    message = str(err.value)
    assert message.startswith("courses: ")
    assert "item 1 (False)" in message and "item 3 (2.0)" in message and "course id" in message


def test_validate_items_needs_a_list():
    with pytest.raises(InputError, match="batches must be a list"):
        membership.validate_items(BATCHES, "UPSC")


@pytest.mark.parametrize("value", ["2031-03-31", " 2031-03-31 ", "31/03/2031"])
def test_desired_expiry_accepts_iso_and_day_first_dates(value):
    assert membership.desired_expiry(value, "present") == "2031-03-31"
    assert membership.desired_expiry(value, "exact") == "2031-03-31"


@pytest.mark.parametrize("value", ["03/31/2031", "2031-02-30", "2031-3-31", "tomorrow", "", "2031-03-31T00:00:00"])
def test_desired_expiry_rejects_what_is_not_a_real_date(value):
    with pytest.raises(InputError) as err:
        membership.desired_expiry(value, "present")
    assert str(err.value).startswith("expires: ") and "YYYY-MM-DD" in str(err.value)


def test_desired_expiry_none_is_not_managed_and_absent_rejects_it():
    assert membership.desired_expiry(None, "absent") is None
    with pytest.raises(InputError, match="expires cannot be used with state=absent"):
        membership.desired_expiry("2031-03-31", "absent")


@pytest.mark.parametrize("value, expected", [
    (None, None), ("", None), ("2030-01-31", "2030-01-31"), ("2030-01-31T23:59:59Z", "2030-01-31"),
    ("31/01/2030", "2030-01-31"), ("someday", "someday"),
])
def test_read_expiry_normalises_what_the_api_reads_back(value, expected):
    assert membership.read_expiry(value) == expected


# ------------------------------------------------------------------ names -> records

def test_pick_takes_the_exact_name_not_a_substring_match():
    found = [batch(21), batch(22), batch(23)]        # what ?search=UPSC answers
    record, problem = membership.pick(BATCHES, "UPSC", found)
    assert problem is None and record["id"] == 21


def test_pick_is_case_sensitive_and_lists_close_candidates():
    record, problem = membership.pick(BATCHES, "upsc", [batch(21), batch(22), batch(23)])
    assert record is None
    assert problem == "no batch named 'upsc' (close candidates: 'UPSC', 'UPSC Evening Batch', 'UPSC Morning Batch')"


def test_pick_unknown_without_candidates():
    record, problem = membership.pick(BATCHES, "Physics", [])
    assert record is None and problem == "no batch named 'Physics'"


def test_pick_caps_the_candidate_list():
    found = [{"id": n, "name": "Batch %02d" % n} for n in range(1, 21)]
    record, problem = membership.pick(BATCHES, "Batch", found)
    assert record is None
    assert problem.count("'Batch ") == membership.MAX_CANDIDATES and problem.endswith(", ...)")


def test_pick_ambiguous_names_each_match_with_its_id():
    found = [{"id": 21, "name": "UPSC"}, {"id": 90, "name": "UPSC"}, {"id": 22, "name": "UPSC Morning Batch"}]
    record, problem = membership.pick(BATCHES, "UPSC", found)
    assert record is None
    assert problem == "'UPSC' names 2 batches: 'UPSC' (id 21), 'UPSC' (id 90); list the id instead"


def test_pick_course_by_title_or_slug_exactly():
    found = [course(282), course(283)]               # what ?q=td answers
    assert membership.pick(COURSES, "TD", found)[0]["id"] == 282
    assert membership.pick(COURSES, "td", found)[0]["id"] == 282
    assert membership.pick(COURSES, "td-advanced", found)[0]["id"] == 283
    record, problem = membership.pick(COURSES, "Td", found)
    assert record is None and "'TD'" in problem and "'TD Advanced'" in problem


def test_pick_course_whose_title_is_another_courses_slug_is_ambiguous():
    found = [{"id": 1, "title": "intro", "slug": "basics"}, {"id": 2, "title": "Intro course", "slug": "intro"}]
    record, problem = membership.pick(COURSES, "intro", found)
    assert record is None
    assert problem == ("'intro' names 2 courses: 'intro' (slug basics, id 1), 'Intro course' (slug intro, id 2); "
                       "list the id instead")


def test_pick_the_same_course_by_title_and_slug_is_one_match():
    found = [{"id": 7, "title": "td", "slug": "td"}]
    assert membership.pick(COURSES, "td", found)[0]["id"] == 7


def test_catalogue_resolves_names_by_search_and_unknown_ids_by_get():
    api = FakeAPI()
    catalogue = membership.Catalogue(api, BATCHES)
    catalogue.remember([batch(22)])                    # held: no lookup needed for its id
    records = catalogue.resolve(["UPSC", 22, 25, "UPSC", 21])
    assert [r["id"] for r in records] == [21, 22, 25]  # declared order, each once
    assert api.calls == [("search_catalogue", ("batches", "UPSC")), ("get_catalogue_item", ("batches", 25))]


def test_catalogue_ids_returned_by_a_search_need_no_get():
    api = FakeAPI()
    records = membership.Catalogue(api, BATCHES).resolve(["UPSC", 23])
    assert [r["id"] for r in records] == [21, 23]
    assert [c[0] for c in api.calls] == ["search_catalogue"]


def test_catalogue_reports_every_problem_at_once_naming_option_and_items():
    api = FakeAPI(batches=BATCH_CATALOGUE + [{"id": 90, "name": "Test Batch"}])
    with pytest.raises(InputError) as err:
        membership.Catalogue(api, BATCHES).resolve(["UPSC Morning", 999, "Test Batch", "UPSC"])
    assert str(err.value) == (
        "batches: no batch named 'UPSC Morning' (close candidates: 'UPSC Morning Batch'); "
        "no batch with id 999; "
        "'Test Batch' names 2 batches: 'Test Batch' (id 25), 'Test Batch' (id 90); list the id instead"
    )


def test_catalogue_course_by_title_slug_and_id():
    api = FakeAPI()
    records = membership.Catalogue(api, COURSES).resolve(["Language training", "td", 278])
    assert [r["id"] for r in records] == [279, 282, 278]
    assert api.calls[:2] == [("search_catalogue", ("courses", "Language training")), ("search_catalogue", ("courses", "td"))]


def test_catalogue_other_api_errors_are_not_unknown_ids():
    class Broken(FakeAPI):
        def get_catalogue_item(self, kind, item_id):
            raise _errors.TestpressError("GET", "/api/v2.5/admin/batches/%d/" % item_id, 500, "Server Error")

    with pytest.raises(_errors.TestpressError):
        membership.Catalogue(Broken(), BATCHES).resolve([21])


# ------------------------------------------------------------------ the plan (pure)

CURRENT = [batch(21), batch(22), batch(24)]


def ids(records):
    return [r["id"] for r in records]


def test_present_adds_the_missing_only():
    p = membership.plan(BATCHES, "present", CURRENT, [batch(21), batch(23), batch(25)])
    assert ids(p.add) == [23, 25] and p.remove == [] and p.refresh == [] and p.changed
    assert p.calls(7) == [("add_members", ("batches", 7, [23, 25]))]


def test_present_of_what_is_held_is_no_call():
    p = membership.plan(BATCHES, "present", CURRENT, [batch(22), batch(21)])
    assert not p.changed and p.calls(7) == []


def test_absent_removes_the_listed_ones_held_only():
    p = membership.plan(BATCHES, "absent", CURRENT, [batch(22), batch(23)])
    assert p.add == [] and ids(p.remove) == [22]
    assert p.calls(7) == [("remove_members", ("batches", 7, [22]))]


def test_absent_of_what_is_not_held_is_no_call():
    p = membership.plan(BATCHES, "absent", CURRENT, [batch(23)])
    assert not p.changed and p.calls(7) == []


def test_exact_adds_and_removes_one_call_each():
    p = membership.plan(COURSES, "exact", [course(278), course(279)], [course(279), course(282)])
    assert ids(p.add) == [282] and ids(p.remove) == [278]
    assert p.calls(7) == [("add_members", ("courses", 7, [282])), ("remove_members", ("courses", 7, [278]))]


def test_exact_with_an_empty_list_removes_everything():
    p = membership.plan(BATCHES, "exact", CURRENT, [])
    assert ids(p.remove) == [21, 22, 24] and p.calls(7) == [("remove_members", ("batches", 7, [21, 22, 24]))]


@pytest.mark.parametrize("state", membership.STATES)
@pytest.mark.parametrize("current, declared", [
    ([], []), (CURRENT, []), ([], [batch(21)]), (CURRENT, CURRENT), (CURRENT, [batch(23)]), (CURRENT, [batch(21), batch(25)]),
])
def test_calls_never_carry_an_empty_list_and_never_more_than_one_add_and_one_remove(state, current, declared):
    p = membership.plan(BATCHES, state, current, declared)
    calls = p.calls(7)
    assert all(call[1][2] for call in calls)
    names = [call[0] for call in calls]
    assert names.count("add_members") <= 1 and names.count("remove_members") <= 1
    assert bool(calls) == p.changed


def test_plan_rejects_an_unknown_state():
    with pytest.raises(InputError, match="state must be one of"):
        membership.plan(BATCHES, "latest", [], [])


def test_after_and_diff_follow_the_plan():
    p = membership.plan(BATCHES, "exact", CURRENT, [batch(22), batch(23)])
    records, expiries = p.after()
    assert ids(records) == [22, 23]
    assert p.diff(records, expiries) == {
        "before": {"batches": ["NEET Morning Batch", "UPSC", "UPSC Morning Batch"]},
        "after": {"batches": ["UPSC Evening Batch", "UPSC Morning Batch"]},
    }


# ------------------------------------------------------------------ expiry planning

EXPIRIES = {21: "2030-01-31", 22: None, 24: "2031-03-31"}


def test_expiry_present_adds_the_missing_and_refreshes_the_differing_in_one_subscriptions_call():
    p = membership.plan(BATCHES, "present", CURRENT, [batch(21), batch(22), batch(23), batch(24)], "2031-03-31", EXPIRIES)
    assert ids(p.add) == [23] and ids(p.refresh) == [21, 22] and p.remove == []
    assert p.calls(7) == [("add_subscriptions", (7, [23, 21, 22], "2031-03-31"))]
    records, expiries = p.after()
    assert {r["id"]: expiries[r["id"]] for r in records} == {21: "2031-03-31", 22: "2031-03-31", 24: "2031-03-31", 23: "2031-03-31"}


def test_expiry_unchanged_is_no_call():
    p = membership.plan(BATCHES, "present", CURRENT, [batch(24)], "2031-03-31", EXPIRIES)
    assert not p.changed and p.calls(7) == []


def test_expiry_changed_only_is_one_subscriptions_call_and_not_an_add():
    p = membership.plan(BATCHES, "present", CURRENT, [batch(21)], "2032-12-31", EXPIRIES)
    assert p.add == [] and ids(p.refresh) == [21] and p.changed
    assert p.calls(7) == [("add_subscriptions", (7, [21], "2032-12-31"))]


def test_expiry_exact_removes_the_unlisted_without_touching_their_expiry():
    p = membership.plan(BATCHES, "exact", CURRENT, [batch(21), batch(23)], "2030-01-31", EXPIRIES)
    assert ids(p.add) == [23] and p.refresh == [] and ids(p.remove) == [22, 24]
    assert p.calls(7) == [("add_subscriptions", (7, [23], "2030-01-31")), ("remove_members", ("batches", 7, [22, 24]))]


def test_without_expires_expiries_are_left_alone():
    p = membership.plan(BATCHES, "present", CURRENT, [batch(21), batch(23)], None, EXPIRIES)
    assert p.refresh == [] and p.calls(7) == [("add_members", ("batches", 7, [23]))]
    assert p.diff(*p.after())["before"] == {"batches": ["NEET Morning Batch", "UPSC", "UPSC Morning Batch"]}


def test_expiry_diff_shows_each_end_date():
    p = membership.plan(BATCHES, "present", CURRENT, [batch(22)], "2031-03-31", EXPIRIES)
    assert p.diff(*p.after()) == {
        "before": {"batches": ["NEET Morning Batch (expires 2031-03-31)", "UPSC (expires 2030-01-31)",
                               "UPSC Morning Batch (no expiry)"]},
        "after": {"batches": ["NEET Morning Batch (expires 2031-03-31)", "UPSC (expires 2030-01-31)",
                              "UPSC Morning Batch (expires 2031-03-31)"]},
    }


# ------------------------------------------------------------------ one user, one kind (FakeAPI + FakeModule)

def test_run_present_by_name_and_id_then_rerun_writes_nothing():
    api = FakeAPI(users=john({21: "2030-01-31"}))
    result = run(api, BATCHES, username="john", batches=["UPSC", "UPSC Morning Batch", 23])
    assert result["changed"] is True
    assert api.writes == [("add_members", ("batches", 1882, [22, 23]))]
    assert result["added"] == [{"id": 22, "name": "UPSC Morning Batch"}, {"id": 23, "name": "UPSC Evening Batch"}]
    assert result["removed"] == [] and result["updated"] == [] and result["user_id"] == 1882
    assert result["batches"] == [
        {"id": 21, "name": "UPSC", "expires": "2030-01-31"},
        {"id": 22, "name": "UPSC Morning Batch", "expires": None},
        {"id": 23, "name": "UPSC Evening Batch", "expires": None},
    ]
    assert result["diff"] == {"before": {"batches": ["UPSC"]},
                              "after": {"batches": ["UPSC", "UPSC Evening Batch", "UPSC Morning Batch"]}}

    api.calls = []
    again = run(api, BATCHES, username="john", batches=["UPSC", "UPSC Morning Batch", 23])
    assert again["changed"] is False and api.writes == [] and again["added"] == []


def test_run_check_mode_makes_no_write_and_predicts_the_result():
    api = FakeAPI(users=john({21: None, 22: None}))
    result = run(api, BATCHES, check_mode=True, username="john", batches=["UPSC", 23], state="exact", expires="2031-01-01")
    assert api.writes == []
    assert result["changed"] is True
    assert result["added"] == [{"id": 23, "name": "UPSC Evening Batch"}]
    assert result["removed"] == [{"id": 22, "name": "UPSC Morning Batch"}]
    assert result["updated"] == [{"id": 21, "name": "UPSC"}]
    assert result["batches"] == [{"id": 21, "name": "UPSC", "expires": "2031-01-01"},
                                 {"id": 23, "name": "UPSC Evening Batch", "expires": "2031-01-01"}]
    assert result["diff"]["after"] == {"batches": ["UPSC (expires 2031-01-01)", "UPSC Evening Batch (expires 2031-01-01)"]}


def test_run_unknown_user_fails_before_any_write_naming_it():
    api = FakeAPI(users=john())
    with pytest.raises(InputError) as err:
        run(api, BATCHES, username="ghost", batches=["UPSC"])
    assert str(err.value).startswith("username: no user named 'ghost'")
    assert api.writes == []
    with pytest.raises(InputError, match="^user_id: no user with id 4242"):
        run(api, COURSES, user_id=4242, courses=["TD"])
    assert api.writes == []


def test_run_unknown_user_in_check_mode_reports_the_declared_items_as_added():
    api = FakeAPI(users=john())
    result = run(api, COURSES, check_mode=True, username="ghost", courses=["TD", 279], state="exact")
    assert result["changed"] is True and result["user_id"] is None
    assert result["added"] == [{"id": 282, "name": "TD"}, {"id": 279, "name": "Language training"}]
    assert result["courses"] == [
        {"id": 282, "name": "TD", "title": "TD", "slug": "td"},
        {"id": 279, "name": "Language training", "title": "Language training", "slug": "language-training"},
    ]
    assert result["diff"] == {"before": {"courses": []}, "after": {"courses": ["Language training", "TD"]}}
    assert not [c for c in api.calls if c[0] in ("list_members", "list_subscriptions")]


def test_run_unknown_user_in_check_mode_still_validates_names():
    api = FakeAPI(users=john())
    with pytest.raises(InputError, match="^courses: no course named 'Physics'"):
        run(api, COURSES, check_mode=True, username="ghost", courses=["Physics"])


def test_run_unknown_user_in_check_mode_absent_is_no_change():
    api = FakeAPI(users=john())
    result = run(api, BATCHES, check_mode=True, user_id=9999, batches=["UPSC"], state="absent")
    assert result["changed"] is False and result["removed"] == [] and result["batches"] == []


def test_run_bad_input_fails_before_any_call():
    api = FakeAPI(users=john())
    with pytest.raises(InputError, match="^batches: item 1"):
        run(api, BATCHES, username="john", batches=[True])
    with pytest.raises(InputError, match="^expires: "):
        run(api, BATCHES, username="john", batches=["UPSC"], expires="31/13/2031")
    assert api.calls == []


def test_run_courses_absent_and_exact():
    api = FakeAPI(users=john(courses={278: None, 279: None}))
    result = run(api, COURSES, username="john", courses=["master-of-business-administration", "TD"], state="absent")
    assert api.writes == [("remove_members", ("courses", 1882, [278]))]
    assert result["removed"] == [{"id": 278, "name": "Master of Business Administration"}]
    api.calls = []
    result = run(api, COURSES, user_id=1882, courses=["TD"], state="exact")
    assert api.writes == [("add_members", ("courses", 1882, [282])), ("remove_members", ("courses", 1882, [279]))]
    assert [c["id"] for c in result["courses"]] == [282]


def test_argument_spec_per_kind():
    spec = membership_argument_spec("batches")
    assert spec["batches"] == {"type": "list", "elements": "raw", "required": True}
    assert spec["expires"] == {"type": "str"}
    assert spec["state"] == {"type": "str", "choices": ["present", "absent", "exact"], "default": "present"}
    courses = membership_argument_spec("courses")
    assert "expires" not in courses and "courses" in courses and set(courses) == {"username", "user_id", "courses", "state", "journal"}
