# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Testpress API simulator, over real HTTP: the API's shapes and each of its surprises (docs/api-behaviour.md)."""

from __future__ import annotations

import socket

import pytest

from ansible_collections.testpress.lms.tests.simulator import Simulator
from sim_api import LOGIN, USERS, Api, create, requests, uid


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
    # The stall (~40 ms a call: Nagle's algorithm on the server meets the client's delayed ACK) is ruled out by its
    # cause, not by a stopwatch: every connection the server holds has TCP_NODELAY set.
    path = "%s%d/" % (USERS, uid(simulator, "john"))
    api.get(USERS)
    for _attempt in range(50):
        assert api.put(path, json={"username": "john"}).status_code == 200
    with simulator._lock:
        connections = list(simulator._connections)
    assert connections, "the session's keep-alive connection is held by the server"
    assert all(connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for connection in connections)


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
