# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Testpress API simulator, over real HTTP: the API's shapes and each of its surprises (docs/api-behaviour.md)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from ansible_collections.testpress.lms.tests.simulator import Simulator
from sim_api import LOGIN, USERS, Api, create, requests, uid

SIMULATOR_DIR = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- auth


def test_login_answers_a_token(simulator):
    answer = requests.post(simulator.url + LOGIN, json={"username": "admin", "password": "admin-pass"})
    assert answer.status_code == 200
    assert set(answer.json()) == {"token"}


def test_login_with_bad_credentials_is_a_drf_400(simulator):
    answer = requests.post(simulator.url + LOGIN, json={"username": "admin", "password": "nope"})
    assert answer.status_code == 400
    assert answer.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}
    answer = requests.post(simulator.url + LOGIN, json={"username": "admin"})
    assert answer.json() == {"password": ["This field is required."]}


def test_missing_token_is_401(simulator):
    answer = requests.get(simulator.url + USERS)
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Authentication credentials were not provided."}


def test_unknown_and_expired_tokens_are_401(simulator, api):
    assert api.get(USERS).status_code == 200
    simulator.expire_tokens()
    answer = api.get(USERS)
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Signature has expired."}
    bogus = requests.get(simulator.url + USERS, headers={"Authorization": "JWT not.a.token"})
    assert bogus.status_code == 401
    assert bogus.json() == {"detail": "Signature has expired."}


def test_non_admin_token_is_403(simulator):
    student = Api(simulator, "student0", "student-pass")
    answer = student.get(USERS)
    assert answer.status_code == 403
    assert answer.json() == {"detail": "You do not have permission to perform this action."}


# ---------------------------------------------------------------- state


def test_state_is_written_as_code_and_read_as_name(simulator, api):
    answer = create(api, username="ann", state="IN-TN")
    assert answer.status_code == 201
    assert answer.json()["state"] == "Tamil Nadu"
    assert answer.json()["state_code"] == "IN-TN"
    simulator.state_format = "code"
    view = api.get("%s%d/" % (USERS, answer.json()["id"])).json()
    assert view["state"] == "IN-TN"
    assert view["state_code"] == "IN-TN"


@pytest.mark.parametrize("code, name", [("IN-TG", "Telangana"), ("IN-TS", "Telangana"), ("IN-LA", "Ladakh"),
                                        ("IN-DH", "Dadra and Nagar Haveli and Daman and Diu"), ("IN-OR", "Odisha"),
                                        ("IN-OD", "Odisha"), ("IN-UL", "Uttarakhand"), ("IN-CT", "Chhattisgarh"),
                                        ("IN-DD", "Daman and Diu"), ("IN-DN", "Dadra and Nagar Haveli")])
def test_old_and_new_state_codes(api, code, name):
    answer = create(api, username="ann", state=code)
    assert answer.status_code == 201, answer.text
    assert (answer.json()["state"], answer.json()["state_code"]) == (name, code)


@pytest.mark.parametrize("bad", ["XX", "Tamil Nadu", "in-tn", "TN"])
def test_unknown_state_is_400(api, bad):
    answer = create(api, username="ann", state=bad)
    assert answer.status_code == 400
    assert answer.json() == {"state": ["\"%s\" is not a valid choice." % bad]}


# ---------------------------------------------------------------- birth_date


def test_birth_date_reads_in_two_formats(simulator, api):
    user = create(api, username="ann", birth_date="03/07/2016").json()
    assert user["birth_date"] == "03/07/2016"
    simulator.date_format = "iso"
    assert api.get("%s%d/" % (USERS, user["id"])).json()["birth_date"] == "2016-07-03"
    assert create(api, username="bob").json()["birth_date"] is None


@pytest.mark.parametrize("bad", ["2016-07-03", "31/02/2020", "13/13/2013", "yesterday", 20160703])
def test_birth_date_is_written_only_as_dd_mm_yyyy(api, bad):
    answer = create(api, username="ann", birth_date=bad)
    assert answer.status_code == 400
    assert answer.json() == {"birth_date": ["Date has wrong format. Use one of these formats instead: DD/MM/YYYY."]}


# ---------------------------------------------------------------- ?q= substring


def test_q_is_a_substring_search_over_username_and_email(api):
    found = [u["username"] for u in api.get(USERS, params={"q": "john"}).json()["results"]]
    assert sorted(found) == ["jdoe", "john", "johnny"]   # johnny by username, jdoe by john.doe@ email
    found = [u["username"] for u in api.get(USERS, params={"q": "JOHNNY"}).json()["results"]]
    assert found == ["johnny"]


def test_find_by_email_is_exact_and_carries_batches(api):
    page = api.get(USERS, params={"email": "JOHN.DOE@example.com"}).json()
    assert page["count"] == 1
    user = page["results"][0]
    assert user["username"] == "jdoe"
    assert [b["name"] for b in user["batches"]] == ["IBPS Online Batch"]
    assert set(user["batches"][0]) == {"id", "name", "url"}
    assert api.get(USERS, params={"email": "john.doe"}).json()["count"] == 0


# ---------------------------------------------------------------- pages of 20


def test_a_user_in_25_batches_needs_two_pages(simulator, api):
    user_id = simulator.add_user("ann", batches=["Batch %02d" % i for i in range(1, 26)])
    path = "%s%d/batches/" % (USERS, user_id)
    first = api.get(path).json()
    assert (first["count"], first["per_page"], len(first["results"]), first["previous"]) == (25, 20, 20, None)
    assert first["next"] == simulator.url + path + "?page=2"
    second = requests.get(first["next"], headers=api.session.headers).json()
    assert len(second["results"]) == 5
    assert second["next"] is None
    assert second["previous"] == simulator.url + path
    names = [b["name"] for b in first["results"] + second["results"]]
    assert names == ["Batch %02d" % i for i in range(1, 26)]
    answer = api.get(path, params={"page": 3})
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Invalid page."}


def test_next_links_keep_the_query(simulator, api):
    for i in range(25):
        simulator.add_user("johnny%02d" % i)
    page = api.get(USERS, params={"q": "johnny"}).json()
    assert page["count"] == 26
    assert page["next"] == simulator.url + USERS + "?q=johnny&page=2"
    assert api.get(USERS, params={"q": "johnny", "page": "x"}).status_code == 404


def test_courses_are_paginated_too(simulator, api):
    user_id = simulator.add_user("ann", courses=["Course %02d" % i for i in range(1, 26)])
    page = api.get("%s%d/courses/" % (USERS, user_id)).json()
    assert (page["count"], len(page["results"])) == (25, 20)
    assert page["next"].endswith("/courses/?page=2")
    catalogue = api.get("/api/v2.5/admin/batches/").json()
    assert catalogue["count"] == 37 and len(catalogue["results"]) == 20 and catalogue["next"]


# ---------------------------------------------------------------- delete under v2.2


def test_delete_lives_under_v2_2_only(simulator, api):
    user_id = uid(simulator, "johnny")
    answer = api.delete("%s%d/" % (USERS, user_id))
    assert answer.status_code == 405
    assert answer.json() == {"detail": "Method \"DELETE\" not allowed."}
    assert simulator.user("johnny") is not None
    assert api.get("/api/v2.2/admin/users/%d/" % user_id).status_code == 405
    answer = api.delete("/api/v2.2/admin/users/%d/" % user_id)
    assert answer.status_code == 204
    assert answer.content == b""
    assert simulator.user("johnny") is None
    assert api.get("%s%d/" % (USERS, user_id)).status_code == 404
    assert api.delete("/api/v2.2/admin/users/%d/" % user_id).json() == {"detail": "Not found."}


# ---------------------------------------------------------------- password


def test_password_is_never_read_and_password_hash_is(simulator, api):
    created = create(api, username="ann", password="s3cret!").json()
    path = "%s%d/" % (USERS, created["id"])
    reads = [created, api.get(path).json(), api.get(USERS, params={"q": "ann"}).json()["results"][0],
             api.put(path, json={"username": "ann", "password": "n3w-pass"}).json()]
    for read in reads:
        assert "password" not in read
        assert read["password_hash"].startswith("pbkdf2_sha256$")
        assert "s3cret!" not in str(read) and "n3w-pass" not in str(read)
    assert reads[0]["password_hash"] != reads[-1]["password_hash"]
    assert simulator.check_password("ann", "n3w-pass")
    assert not simulator.check_password("ann", "s3cret!")
    assert Api(simulator, "ann", "n3w-pass").session    # the new password logs in (then 403: not admin)


# ---------------------------------------------------------------- redundant membership calls


def test_adding_a_held_batch_or_removing_a_missing_one_is_400(simulator, api):
    user_id = uid(simulator, "john")          # in UPSC (21) and UPSC Morning Batch (22)
    path = "%s%d/batches/" % (USERS, user_id)
    answer = api.post(path, json={"batches": [21, 23]})
    assert answer.status_code == 400
    assert answer.json() == {"batches": ["User is already in batch 21 (\"UPSC\")."]}
    answer = api.delete(path, json={"batches": [24]})
    assert answer.status_code == 400
    assert answer.json() == {"batches": ["User is not in batch 24 (\"NEET Morning Batch\")."]}
    assert api.post(path, json={"batches": [999]}).json() == {"batches": ["Invalid pk \"999\" - object does not exist."]}
    assert api.post(path, json={"batches": []}).json() == {"batches": ["This list may not be empty."]}
    assert simulator.user_batch_ids("john") == [21, 22]     # nothing applied by a 400


def test_courses_too(simulator, api):
    user_id = uid(simulator, "john")          # in course 278
    path = "%s%d/courses/" % (USERS, user_id)
    assert api.post(path, json={"courses": [278]}).status_code == 400
    assert api.delete(path, json={"courses": [279]}).status_code == 400
    assert api.post(path, json={"courses": [21]}).json() == {"courses": ["Invalid pk \"21\" - object does not exist."]}
    assert simulator.user_course_ids("john") == [278]


def test_batches_add_and_remove(simulator, api):
    user_id = uid(simulator, "john")
    path = "%s%d/batches/" % (USERS, user_id)
    answer = api.post(path, json={"batches": [23, 24]})
    assert answer.status_code == 201
    assert [b["id"] for b in answer.json()] == [21, 22, 23, 24]     # the whole list, a plain list
    answer = api.delete(path, json={"batches": [21, 23]})
    assert answer.status_code == 204
    assert simulator.user_batch_ids("john") == [22, 24]


def test_courses_add_answers_a_page_and_remove(simulator, api):
    path = "%s%d/courses/" % (USERS, uid(simulator, "john"))
    answer = api.post(path, json={"courses": [279, 280]})
    assert answer.status_code == 201
    assert [c["id"] for c in answer.json()["results"]] == [278, 279, 280]
    course = answer.json()["results"][0]
    assert set(course) == {"id", "title", "slug", "description", "image", "is_public", "created", "modified",
                           "enable_progressive_lock", "order", "url", "batches_url", "chapters_url", "contents_url"}
    assert api.delete(path, json={"courses": [278]}).status_code == 204
    assert simulator.user_course_ids("john") == [279, 280]


def test_subscriptions_view_and_set_expiry(simulator, api):
    path = "%s%d/subscriptions/" % (USERS, uid(simulator, "john"))
    subs = api.get(path).json()["results"]
    assert [(s["batch"]["id"], s["expires"]) for s in subs] == [(21, "2030-01-31"), (22, "2030-01-31")]
    assert set(subs[0]) == {"id", "batch", "expires"}
    answer = api.post(path, json={"batches": [22, 23], "expires": "2031-06-30"})   # held 22: no 400 here
    assert answer.status_code == 201
    assert [(s["batch"]["name"], s["expires"]) for s in answer.json()] == [
        ("UPSC Morning Batch", "2031-06-30"), ("UPSC Evening Batch", "2031-06-30")]
    assert simulator.user_expiries("john") == {21: "2030-01-31", 22: "2031-06-30", 23: "2031-06-30"}
    assert api.post(path, json={"batches": [22], "expires": "30/06/2031"}).status_code == 400


# ---------------------------------------------------------------- a create answered 502 happened


def test_create_answered_502_was_applied_and_the_retry_meets_already_exists(simulator, api):
    simulator.inject(502, method="POST", path=USERS, apply=True)
    answer = create(api, username="ann")
    assert answer.status_code == 502
    assert simulator.user("ann") is not None
    retry = create(api, username="ann")
    assert retry.status_code == 400
    assert retry.json() == {"username": ["A user with that username already exists."]}


# ---------------------------------------------------------------- users: create and update


def test_create_user_shape_and_defaults(simulator, api):
    answer = create(api, username="ann", first_name="Ann", last_name="Lee", batches=["Test Batch", "UPSC"], expires="2030-12-31")
    assert answer.status_code == 201
    user = answer.json()
    assert user["display_name"] == "Ann Lee"
    assert (user["email"], user["city"], user["phone"], user["state"], user["state_code"]) == ("", "", "", "", "")
    assert (user["is_active"], user["is_blocked"], user["custom_fields"], user["photo"]) == (True, False, {}, None)
    assert user["url"] == "%s%s%d/" % (simulator.url, USERS, user["id"])
    assert user["batches_url"] == user["url"] + "batches/"
    for key in ("gender", "gender_code", "large_image", "mini_image", "created", "modified"):
        assert key in user
    assert simulator.user_expiries("ann") == {27: "2030-12-31", 21: "2030-12-31"}
    assert create(api, username="bob").json()["display_name"] == "bob"


def test_activation_and_blocking_are_update_only(simulator, api):
    user = create(api, username="ann", is_active=False, is_blocked=True).json()
    assert (user["is_active"], user["is_blocked"]) == (True, False)
    updated = api.put("%s%d/" % (USERS, user["id"]), json={"username": "ann", "is_active": False, "is_blocked": True})
    assert (updated.json()["is_active"], updated.json()["is_blocked"]) == (False, True)


def test_create_user_errors(api):
    assert api.post(USERS, json={}).json() == {"username": ["This field is required."], "password": ["This field is required."]}
    assert create(api, username="ann", email="nope").json() == {"email": ["Enter a valid email address."]}
    assert create(api, username="ann", batches=["No Such Batch"]).status_code == 400
    assert create(api, username="ann", custom_fields={"Shoe Size": "9"}).status_code == 400
    assert create(api, username="bad name").status_code == 400
    assert create(api, username="john").json() == {"username": ["A user with that username already exists."]}


def test_create_with_generated_password_and_notification(simulator, api):
    answer = api.post(USERS, params={"auto_generate_password": "true", "notify_credential": "true"}, json={"username": "ann"})
    assert answer.status_code == 201
    assert simulator.notified == ["ann"]
    assert simulator.log[-1]["query"] == {"auto_generate_password": "true", "notify_credential": "true"}


def test_update_needs_username_and_keeps_fields_not_sent(simulator, api):
    path = "%s%d/" % (USERS, uid(simulator, "john"))
    answer = api.put(path, json={"city": "Madurai"})
    assert answer.status_code == 400
    assert answer.json() == {"username": ["This field is required."]}
    answer = api.put(path, json={"username": "john", "city": "Madurai", "is_active": "false", "is_blocked": True,
                                 "custom_fields": {"parent phone": "99"}, "display_name": "JS"})
    assert answer.status_code == 200
    user = answer.json()
    assert (user["city"], user["first_name"], user["state_code"], user["birth_date"]) == ("Madurai", "John", "IN-TN", "03/07/1994")
    assert (user["is_active"], user["is_blocked"], user["display_name"]) == (False, True, "JS")
    assert user["custom_fields"] == {"Roll Number": "R-001", "Parent Phone": "99"}
    assert api.put(path, json={"username": "john", "is_active": "maybe"}).json() == {"is_active": ["Must be a valid boolean."]}
    assert api.put(path, json={"username": "johnny"}).json() == {"username": ["A user with that username already exists."]}


def test_update_expires_moves_every_subscription(simulator, api):
    path = "%s%d/" % (USERS, uid(simulator, "john"))
    assert api.put(path, json={"username": "john", "expires": "2032-01-01"}).status_code == 200
    assert set(simulator.user_expiries("john").values()) == {"2032-01-01"}


def test_rename_keeps_the_index(simulator, api):
    path = "%s%d/" % (USERS, uid(simulator, "johnny"))
    assert api.put(path, json={"username": "johnny2"}).status_code == 200
    assert simulator.user("johnny") is None and simulator.user("johnny2")["id"]
    assert create(api, username="johnny").status_code == 201


# ---------------------------------------------------------------- catalogue


def test_catalogue_search_and_views(simulator, api):
    found = [b["name"] for b in api.get("/api/v2.5/admin/batches/", params={"search": "upsc"}).json()["results"]]
    assert found == ["UPSC", "UPSC Morning Batch", "UPSC Evening Batch"]
    assert api.get("/api/v2.5/admin/batches/21/").json()["name"] == "UPSC"
    found = [c["title"] for c in api.get("/api/v2.5/admin/courses/", params={"q": "training"}).json()["results"]]
    assert found == ["Language training", "Skill Development Training"]
    assert api.get("/api/v2.5/admin/courses/", params={"q": "td"}).json()["results"][0]["slug"] == "td"
    assert api.get("/api/v2.5/admin/courses/278/").json()["slug"] == "master-of-business-administration"
    created = api.post("/api/v2.5/admin/batches/", json={"name": "New Batch"})
    assert created.status_code == 201
    assert api.post("/api/v2.5/admin/batches/", json={"name": "New Batch"}).status_code == 400
    assert api.get("/api/v2.5/admin/batches/%d/" % created.json()["id"]).json()["name"] == "New Batch"
    assert api.get("/api/v2.5/admin/courses/9999/").status_code == 404


# ---------------------------------------------------------------- Django / DRF behaviour


def test_missing_slash_get_redirects(simulator, api):
    answer = api.get("/api/v2.5/admin/users", params={"q": "john"})
    assert answer.status_code == 301
    assert answer.headers["Location"] == "/api/v2.5/admin/users/?q=john"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_missing_slash_write_is_a_django_500(simulator, api, method):
    answer = getattr(api, method)("%s%d" % (USERS, uid(simulator, "john")), json={"username": "x"})
    assert answer.status_code == 500
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "RuntimeError" in answer.text and "doesn't end in a slash" in answer.text


def test_unknown_path_and_malformed_json(simulator, api):
    answer = api.get("/api/v2.5/admin/nothing/")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Not found."}
    answer = api.post(USERS, data=b"{not json", headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("JSON parse error")


def test_keep_alive_has_no_nagle_stall(simulator, api):
    path = "%s%d/" % (USERS, uid(simulator, "john"))
    api.get(USERS)
    start = time.monotonic()
    for _attempt in range(50):
        assert api.put(path, json={"username": "john"}).status_code == 200
    assert time.monotonic() - start < 1.0      # with the ~40 ms Nagle stall this takes ~2 s


# ---------------------------------------------------------------- faults


def test_inject_429_carries_retry_after(simulator, api):
    simulator.inject(429, times=2, retry_after=3)
    for _attempt in range(2):
        answer = api.get(USERS)
        assert answer.status_code == 429
        assert answer.headers["Retry-After"] == "3"
        assert "throttled" in answer.json()["detail"]
    assert api.get(USERS).status_code == 200


def test_inject_matches_method_and_path_and_does_not_apply(simulator, api):
    simulator.inject(503, method="POST", path="/api/v2.5/admin/users/*/batches/")
    assert api.get("%s%d/batches/" % (USERS, uid(simulator, "john"))).status_code == 200
    assert create(api, username="ann").status_code == 201
    answer = api.post("%s%d/batches/" % (USERS, uid(simulator, "john")), json={"batches": [23]})
    assert answer.status_code == 503
    assert simulator.user_batch_ids("john") == [21, 22]   # not applied
    assert api.post("%s%d/batches/" % (USERS, uid(simulator, "john")), json={"batches": [23]}).status_code == 201


def test_inject_applies_to_login(simulator):
    simulator.inject(504, path=LOGIN)
    assert requests.post(simulator.url + LOGIN, json={"username": "admin", "password": "admin-pass"}).status_code == 504


def test_throttle_every_and_unavailable_every(simulator, api):
    simulator.faults.update(throttle_every=3, retry_after=2)
    statuses = [api.get(USERS) for _attempt in range(6)]
    assert [a.status_code for a in statuses].count(429) == 2
    assert [a.headers.get("Retry-After") for a in statuses if a.status_code == 429] == ["2", "2"]
    simulator.faults.update(throttle_every=0, unavailable_every=2)
    assert sorted(api.get(USERS).status_code for _attempt in range(4)) == [200, 200, 503, 503]


def test_latency(simulator, api):
    simulator.faults["latency"] = 0.2
    start = time.monotonic()
    api.get(USERS)
    assert time.monotonic() - start >= 0.2
    start = time.monotonic()
    requests.get(simulator.url + "/_sim/log")                    # control calls are not slowed
    assert time.monotonic() - start < 0.2


def test_faults_over_http_control(simulator, api):
    assert requests.post(simulator.url + "/_sim/faults", json={"unavailable_every": 1}).status_code == 200
    assert simulator.faults["unavailable_every"] == 1
    assert api.get(USERS).status_code == 503
    assert requests.get(simulator.url + "/_sim/log").status_code == 200       # faults do not touch /_sim/


# ---------------------------------------------------------------- log, writes, reset


def test_log_and_writes(simulator, api):
    user_id = uid(simulator, "john")
    api.get(USERS, params={"q": "john"})
    api.put("%s%d/" % (USERS, user_id), json={"username": "john", "city": "X"})
    api.delete("/api/v2.2/admin/users/%d/" % user_id)
    requests.get(simulator.url + "/_sim/log")
    assert [(e["method"], e["path"], e["status"]) for e in simulator.log] == [
        ("POST", LOGIN, 200), ("GET", USERS, 200), ("PUT", "%s%d/" % (USERS, user_id), 200),
        ("DELETE", "/api/v2.2/admin/users/%d/" % user_id, 204)]
    assert simulator.log[1]["query"] == {"q": "john"} and simulator.log[1]["body"] is None
    assert simulator.log[2]["body"] == {"username": "john", "city": "X"}
    assert [e["method"] for e in simulator.writes()] == ["PUT", "DELETE"]
    assert requests.get(simulator.url + "/_sim/log").json() == simulator.log
    simulator.clear_log()
    assert simulator.log == [] and simulator.writes() == []


def test_reset_restores_the_seed(simulator, api):
    create(api, username="ann")
    simulator.inject(500, times=5)
    simulator.faults["latency"] = 1
    simulator.state_format = "code"
    simulator.reset()
    assert simulator.user("ann") is None and simulator.user("john") is not None
    assert simulator.log == [] and simulator.faults["latency"] == 0 and simulator.state_format == "name"
    assert api.get(USERS).status_code == 401          # tokens do not survive a reset
    create(Api(simulator), username="ann")
    assert requests.post(simulator.url + "/_sim/reset").status_code == 200
    assert simulator.user("ann") is None


def test_reset_with_another_seed_then_back(simulator):
    simulator.reset({"batches": ["Only"], "users": [{"username": "root", "password": "r", "is_staff": True}]})
    assert Api(simulator, "root", "r").get("/api/v2.5/admin/batches/").json()["count"] == 1
    simulator.reset()
    assert simulator.user("root") is None and simulator.user("admin") is not None


def test_accessors(simulator):
    user_id = simulator.add_user("ann", "pw1", email="ann@example.com", batches=["UPSC"], courses=["TD"], state="IN-KA")
    assert simulator.user("ann")["id"] == user_id
    assert simulator.user("ann")["state_code"] == "IN-KA"
    assert simulator.user_batch_ids("ann") == [21]
    assert simulator.user_course_ids("ann") == [282]
    assert simulator.user_expiries("ann") == {21: None}
    assert simulator.check_password("ann", "pw1")
    assert simulator.add_batch("Fresh") > 21 and simulator.add_course("Fresh Course") > 282
    with pytest.raises(ValueError):
        simulator.add_user("ann")


def test_ten_thousand_users_are_quick(simulator, api):
    start = time.monotonic()
    for i in range(10000):
        simulator.add_user("bulk%05d" % i, email="bulk%05d@example.com" % i)
    assert time.monotonic() - start < 10
    start = time.monotonic()
    assert api.get(USERS, params={"q": "bulk09999"}).json()["count"] == 1
    assert api.get(USERS, params={"page": 501}).json()["next"] is None
    assert time.monotonic() - start < 1


# ---------------------------------------------------------------- CLI


def test_cli_starts_answers_and_stops(tmp_path):
    proc = subprocess.Popen([sys.executable, str(SIMULATOR_DIR), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("simulator listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1]
        answer = requests.post(url + LOGIN, json={"username": "admin", "password": "admin-pass"}, timeout=5)
        assert answer.status_code == 200
        assert requests.get(url + USERS, timeout=5).status_code == 401
        assert requests.get(url + "/_sim/log", timeout=5).json()[0]["path"] == LOGIN
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_http_control_inject_config_and_reset(simulator, api):
    assert requests.post(simulator.url + "/_sim/inject", json={"status": 502, "method": "GET"}).status_code == 200
    assert api.get(USERS).status_code == 502
    assert requests.post(simulator.url + "/_sim/config", json={"state_format": "code", "date_format": "iso"}).status_code == 200
    john = api.get("%s%d/" % (USERS, uid(simulator, "john"))).json()
    assert (john["state"], john["birth_date"]) == ("IN-TN", "1994-07-03")
    assert requests.post(simulator.url + "/_sim/config", json={"date_format": "mdy"}).status_code == 400
    assert requests.post(simulator.url + "/_sim/reset").status_code == 200
    assert simulator.state_format == "name" and simulator.log == []


# ---------------------------------------------------------------- faults a client must survive


def test_a_dropped_connection_gets_no_answer_and_is_not_applied(simulator, api):
    simulator.inject(drop=True, method="POST", path=USERS)
    with pytest.raises(requests.exceptions.ConnectionError):
        create(api, username="ann")
    assert simulator.user("ann") is None
    assert (simulator.log[-1]["status"], simulator.log[-1]["fault"]) == (None, "drop")
    assert create(api, username="ann").status_code == 201


def test_a_dropped_connection_after_the_work_was_applied(simulator, api):
    simulator.inject(drop=True, method="POST", path=USERS, apply=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        create(api, username="ann")
    assert simulator.user("ann") is not None
    assert simulator.log[-1]["fault"] == "drop, applied"


def test_a_delayed_answer_outlasts_a_client_timeout(simulator, api):
    simulator.inject(delay=0.5, method="GET")
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.get(USERS, timeout=0.2)
    assert simulator.log[-1]["fault"] == "delay 0.5s"
    start = time.monotonic()
    assert api.get(USERS, timeout=5).status_code == 200      # the injection was used up
    assert time.monotonic() - start < 0.5


def test_a_delay_may_come_with_an_error_status(simulator, api):
    simulator.inject(503, delay=0.3)
    start = time.monotonic()
    assert api.get(USERS).status_code == 503
    assert time.monotonic() - start >= 0.3
    assert simulator.log[-1]["fault"] == "delay 0.3s, 503"


def test_tokens_expire_after_n_calls_once(simulator):
    simulator.faults["expire_tokens_after"] = 3
    api = Api(simulator)                                     # call 1: the login
    assert [api.get(USERS).status_code for _attempt in range(2)] == [200, 200]
    answer = api.get(USERS)                                  # call 4
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Signature has expired."}
    assert simulator.log[-1]["fault"] == "tokens expired"
    fresh = Api(simulator)
    assert [fresh.get(USERS).status_code for _attempt in range(3)] == [200, 200, 200]


def test_tokens_expire_over_http_control(simulator, api):
    assert requests.post(simulator.url + "/_sim/faults", json={"expire_tokens_after": 1}).json()["expire_tokens_after"] == 1
    assert api.get(USERS).status_code == 401


def test_an_injected_500_is_a_django_html_page(simulator, api):
    simulator.inject(500)
    answer = api.get(USERS)
    assert answer.status_code == 500
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "<h1>Server Error (500)</h1>" in answer.text


def two_pages(simulator):
    for number in range(25):
        simulator.add_user("pager%02d" % number)


@pytest.mark.parametrize("kind, check", [
    ("html", lambda answer: answer.headers["Content-Type"].startswith("text/html") and "<html>" in answer.text),
    ("string", lambda answer: answer.json() == "ok"),
    ("list", lambda answer: isinstance(answer.json(), list) and answer.json()[0]["username"]),
    ("bad_results", lambda answer: answer.json()["results"] == {"detail": "not a list"} and answer.json()["count"] > 20),
    ("truncated", lambda answer: answer.text.startswith('{"count": ') and len(answer.content) == int(answer.headers["Content-Length"])),
])
def test_hostile_answers_spoil_a_real_page(simulator, api, kind, check):
    two_pages(simulator)
    simulator.inject(answer=kind, method="GET", path=USERS)
    answer = api.get(USERS)
    assert answer.status_code == 200
    assert check(answer)
    if kind == "truncated":
        with pytest.raises(ValueError):
            answer.json()
    assert simulator.log[-1]["fault"] == kind
    assert api.get(USERS).json()["results"][0]["username"]                  # one answer only


def test_a_next_link_that_loops_back_to_its_own_page(simulator, api):
    two_pages(simulator)
    simulator.inject(answer="next_loop", path=USERS, times=None)
    for params in ({"q": "pager"}, {"q": "pager", "page": "2"}):
        answer = api.get(USERS, params=params).json()
        assert answer["next"] == simulator.url + USERS + "?" + "&".join("%s=%s" % item for item in params.items())


def test_a_next_link_to_another_host_keeps_path_and_query(simulator, api):
    two_pages(simulator)
    simulator.inject(answer="next_foreign", path=USERS, next_host="https://proxy.example:8443")
    assert api.get(USERS, params={"q": "pager"}).json()["next"] == "https://proxy.example:8443" + USERS + "?q=pager&page=2"


def test_an_endless_list_always_has_a_next_page(simulator, api):
    two_pages(simulator)
    simulator.inject(answer="endless", path=USERS, times=None)
    first = api.get(USERS, params={"q": "pager"}).json()
    assert (first["count"], len(first["results"])) == (25, 20)
    assert first["next"].endswith("?q=pager&page=2")
    far = api.get(USERS, params={"q": "pager", "page": "40"}).json()
    assert (far["count"], far["results"], far["next"].split("?")[1]) == (25, [], "q=pager&page=41")
    simulator.reset()
    assert api.get(USERS, params={"page": "40"}).status_code == 401                    # reset ends it


def test_a_huge_answer(simulator, api):
    simulator.inject(answer="huge", size=1024 * 1024)
    answer = api.get(USERS)
    assert answer.status_code == 200 and len(answer.content) == 1024 * 1024
    assert answer.json()["padding"].startswith("xxx")
    simulator.inject(answer="huge")
    with api.get(USERS, stream=True) as answer:
        assert int(answer.headers["Content-Length"]) == 50 * 1024 * 1024            # the default; left unread
    assert api.get(USERS).status_code == 200


def test_inject_refuses_contradictions(simulator):
    with pytest.raises(ValueError):
        simulator.inject(503, drop=True)
    with pytest.raises(ValueError):
        simulator.inject(answer="poison")
    assert requests.post(simulator.url + "/_sim/inject", json={"answer": "poison"}).status_code == 400
    assert requests.post(simulator.url + "/_sim/inject", json={"colour": "red"}).status_code == 400


def test_new_faults_over_http_control(simulator, api):
    assert requests.post(simulator.url + "/_sim/inject", json={"drop": True, "method": "GET"}).status_code == 200
    with pytest.raises(requests.exceptions.ConnectionError):
        api.get(USERS)
    assert requests.post(simulator.url + "/_sim/inject", json={"answer": "html"}).status_code == 200
    assert api.get(USERS).headers["Content-Type"].startswith("text/html")
    assert requests.post(simulator.url + "/_sim/inject", json={"delay": 0.3}).status_code == 200
    start = time.monotonic()
    assert api.get(USERS).status_code == 200
    assert time.monotonic() - start >= 0.3


# ---------------------------------------------------------------- the users list cuts embedded batches


def test_the_users_list_embeds_at_most_20_batches_and_the_per_user_list_is_whole(simulator, api):
    names = ["Cut %02d" % number for number in range(25)]
    for name in names:
        simulator.add_batch(name)
    user_id = simulator.add_user("busy", email="busy@example.com", batches=names)
    (listed,) = api.get(USERS, params={"q": "busy"}).json()["results"]
    assert [batch["name"] for batch in listed["batches"]] == names[:20]
    (by_email,) = api.get(USERS, params={"email": "busy@example.com"}).json()["results"]
    assert by_email["batches"] == listed["batches"]
    first = api.get("%s%d/batches/" % (USERS, user_id)).json()
    second = api.get(first["next"].replace(simulator.url, "")).json()
    assert [batch["name"] for batch in first["results"] + second["results"]] == names
    assert len(simulator.user("busy")["batches"]) == 25
    assert requests.post(simulator.url + "/_sim/config", json={"embedded_batches_limit": None}).status_code == 200
    assert len(api.get(USERS, params={"q": "busy"}).json()["results"][0]["batches"]) == 25
    assert requests.post(simulator.url + "/_sim/config", json={"embedded_batches_limit": -1}).status_code == 400
    simulator.reset()
    assert simulator.embedded_batches_limit == 20


def test_the_embedded_batches_limit_is_configurable():
    with Simulator(embedded_batches_limit=1) as sim:
        api = Api(sim)
        john = [user for user in api.get(USERS, params={"q": "john"}).json()["results"] if user["username"] == "john"]
        assert len(john[0]["batches"]) == 1 and len(sim.user("john")["batches"]) == 2


# ---------------------------------------------------------------- HTTPS


@pytest.fixture(scope="module")
def tls_simulator():
    with Simulator(tls=True) as sim:
        yield sim


def test_https_with_a_certificate_clients_must_be_told_to_trust(tls_simulator):
    assert tls_simulator.url.startswith("https://127.0.0.1:")
    with pytest.raises(requests.exceptions.SSLError):
        requests.post(tls_simulator.url + LOGIN, json={"username": "admin", "password": "admin-pass"}, timeout=5)
    answer = requests.post(tls_simulator.url + LOGIN, json={"username": "admin", "password": "admin-pass"},
                           verify=tls_simulator.cert_path, timeout=5)
    assert answer.status_code == 200
    localhost = tls_simulator.url.replace("127.0.0.1", "localhost")
    page = requests.get(localhost + USERS, headers={"Authorization": "JWT " + answer.json()["token"]},
                        verify=tls_simulator.cert_path, timeout=5).json()
    assert page["results"][0]["url"].startswith("https://localhost:")
    assert tls_simulator.log[0]["path"] == LOGIN and len(tls_simulator.log) == 2     # the refused handshake never got here


def test_the_certificate_files_go_with_the_server():
    sim = Simulator(tls=True).start()
    path = Path(sim.cert_path)
    assert path.read_text().startswith("-----BEGIN CERTIFICATE-----")
    sim.stop()
    assert not path.exists() and sim.cert_path is None


def test_cli_serves_https_and_prints_the_ca_path():
    proc = subprocess.Popen([sys.executable, str(SIMULATOR_DIR), "--port", "0", "--tls"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip().rsplit(" ", 1)[1]
        ca_line = proc.stdout.readline().strip()
        assert url.startswith("https://127.0.0.1:") and ca_line.startswith("CA certificate: ")
        answer = requests.post(url + LOGIN, json={"username": "admin", "password": "admin-pass"},
                               verify=ca_line.split(": ", 1)[1], timeout=5)
        assert answer.status_code == 200
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_a_cut_answer_announces_more_than_it_sends(simulator, api):
    simulator.inject(answer="cut", method="GET")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        api.get(USERS)
    assert simulator.log[-1]["fault"] == "cut"
    assert api.get(USERS).status_code == 200


def test_reset_waits_for_a_delayed_request_so_it_cannot_land_in_the_fresh_state(simulator, api):
    simulator.inject(delay=0.4, method="POST", path=USERS)
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.post(USERS, json={"username": "late", "password": "pw-123"}, timeout=0.1)
    simulator.reset()
    assert simulator.user("late") is None and simulator.log == []
