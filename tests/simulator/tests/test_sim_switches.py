# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's API switches and the behaviour they pin down: create with batches, `GET /api/v2.2/me/`,
the user's courses listing switched off, and text trimmed as DRF's CharField trims it."""

from __future__ import annotations

import base64
import json

import pytest

from sim_api import LOGIN, USERS, Api, create, requests, uid

ME = "/api/v2.2/me/"
BATCHES = "/api/v2.5/admin/batches/"


# ---------------------------------------------------------------- create with batches (names) and expires


def test_a_create_with_batch_names_joins_them_and_its_answer_lists_none(simulator, api):
    answer = create(api, username="ann", batches=["UPSC Morning Batch", "Test Batch"], expires="2030-12-31")
    assert answer.status_code == 201
    assert "batches" not in answer.json() and answer.json()["batches_url"].endswith("/batches/")
    assert simulator.user_expiries("ann") == {22: "2030-12-31", 27: "2030-12-31"}
    assert [w["path"] for w in simulator.writes()] == [USERS]                 # one call
    assert create(api, username="bob", batches=["UPSC"]).status_code == 201
    assert simulator.user_expiries("bob") == {21: None}                      # no expires: no end date


@pytest.mark.parametrize("names, message", [
    (["UPSC", "No Such Batch"], "Object with name=No Such Batch does not exist."),
    (["Twin"], "More than one batch is named Twin."),
])
def test_an_unknown_or_ambiguous_batch_name_is_400_and_nothing_is_created(simulator, api, names, message):
    simulator.add_batch("Twin")
    simulator.add_batch("Twin")
    answer = create(api, username="ann", batches=names)
    assert answer.status_code == 400
    assert answer.json() == {"batches": [message]}
    assert simulator.user("ann") is None


def test_create_batch_names_are_matched_as_sent(simulator, api):
    # A name in the create's `batches` is looked up as sent: the collection must send it trimmed.
    assert create(api, username="ann", batches=[" UPSC"]).json() == {"batches": ["Object with name= UPSC does not exist."]}
    assert create(api, username="ann", batches="UPSC").json() == {"batches": ['Expected a list of items but got type "str".']}


# ---------------------------------------------------------------- GET /api/v2.2/me/


def test_me_is_the_token_accounts_public_profile(simulator, api):
    me = api.get(ME)
    assert me.status_code == 200
    admin = simulator.user("admin")
    assert me.json()["id"] == admin["id"] and me.json()["username"] == "admin"
    assert me.json()["url"] == "%s/api/v2.2/users/%d/" % (simulator.url, admin["id"])
    assert "password_hash" not in me.json() and "is_active" not in me.json()


def test_me_carries_batch_names_an_iso_birth_date_and_the_state_name(simulator, api):
    simulator.add_user("meena", "meena-pass", birth_date="27/08/1994", state="IN-TN", city=" Chennai ",
                       batches=["UPSC", "Test Batch"])
    me = Api(simulator, "meena", "meena-pass").get(ME)                       # a student: the public API serves any account
    assert me.status_code == 200
    body = me.json()
    assert (body["batches"], body["birth_date"], body["state"]) == (["UPSC", "Test Batch"], "1994-08-27", "Tamil Nadu")
    assert body["city"] == "Chennai"


def test_me_needs_a_token(simulator):
    assert requests.get(simulator.url + ME).status_code == 401


def test_me_switched_off_is_a_404_as_an_institute_that_does_not_serve_it(simulator, api):
    simulator.configure(me_status=404)
    assert api.get(ME).status_code == 404
    assert api.get(ME).json() == {"detail": "Not found."}
    assert requests.post(simulator.url + "/_sim/config", json={"me_status": None}).status_code == 200
    assert api.get(ME).status_code == 200
    assert requests.post(simulator.url + "/_sim/config", json={"me_status": 500}).status_code == 400


# ---------------------------------------------------------------- staff marks and the token's claims


def test_staff_unmarked_is_a_user_list_that_says_nobody_is_staff(simulator, api):
    assert all("is_staff" in user for user in api.get(USERS).json()["results"])
    simulator.configure(staff_marked=False)
    page = api.get(USERS).json()["results"]
    assert page and not any("is_staff" in user or "is_superuser" in user for user in page)
    assert "is_staff" not in api.get("%s%d/" % (USERS, uid(simulator, "john"))).json()
    assert requests.post(simulator.url + "/_sim/config", json={"staff_marked": "no"}).status_code == 400


def _claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_token_claims_id_is_shaped_as_the_seeds_example_token(simulator):
    assert _claims(simulator.issue_token("admin"))["username"] == "admin"
    simulator.configure(token_claims="id")
    token = requests.post(simulator.url + LOGIN, json={"username": "admin", "password": "admin-pass"}).json()["token"]
    admin = simulator.user("admin")
    assert sorted(_claims(token)) == ["email", "exp", "user_id", "username"]
    assert (_claims(token)["username"], _claims(token)["user_id"], _claims(token)["email"]) == (admin["id"], admin["id"], admin["email"])
    assert requests.get(simulator.url + USERS, headers={"Authorization": "JWT " + token}).status_code == 200


# ---------------------------------------------------------------- GET .../users/ID/courses/ switched off


@pytest.mark.parametrize("status", [404, 405])
def test_the_courses_listing_switched_off(simulator, api, status):
    path = "%s%d/courses/" % (USERS, uid(simulator, "john"))
    simulator.configure(courses_listing_status=status)
    answer = api.get(path)
    assert answer.status_code == status
    if status == 405:
        assert answer.json() == {"detail": 'Method "GET" not allowed.'} and answer.headers["Allow"] == "POST, DELETE, OPTIONS"
    assert api.post(path, json={"courses": [280]}).status_code == 201       # adding and removing still work
    assert api.delete(path, json={"courses": [280]}).status_code == 204
    simulator.reset()
    assert api.get(path).status_code == 401                                   # reset: tokens gone, listing back
    assert Api(simulator).get(path).status_code == 200


# ---------------------------------------------------------------- text trimmed as DRF's CharField


def test_text_is_trimmed_on_create_and_update(simulator, api):
    answer = create(api, username=" ann ", first_name=" Ann ", last_name="முருகன் ", email=" ann@example.com ",
                    custom_fields={"Roll Number": " R-9 "})
    assert answer.status_code == 201
    user = answer.json()
    assert (user["username"], user["first_name"], user["last_name"], user["email"]) == ("ann", "Ann", "முருகன்",
                                                                                        "ann@example.com")
    assert user["custom_fields"] == {"Roll Number": "R-9"}
    path = "%s%d/" % (USERS, user["id"])
    updated = api.put(path, json={"username": "ann  ", "city": "\tMadurai\n", "custom_fields": {"parent phone": " 99 "}})
    assert updated.status_code == 200
    assert (updated.json()["username"], updated.json()["city"]) == ("ann", "Madurai")
    assert updated.json()["custom_fields"] == {"Roll Number": "R-9", "Parent Phone": "99"}


def test_uniqueness_is_checked_after_trimming(simulator, api):
    assert create(api, username="john ").json() == {"username": ["A user with that username already exists."]}
    assert create(api, username="   ").json() == {"username": ["This field may not be blank."]}
    assert api.post(BATCHES, json={"name": " UPSC "}).json() == {"name": ["batch with this name already exists."]}
    created = api.post(BATCHES, json={"name": "  New Batch "})
    assert created.status_code == 201 and created.json()["name"] == "New Batch"


def test_a_login_trims_as_drf_does(simulator):
    answer = requests.post(simulator.url + LOGIN, json={"username": " admin ", "password": "admin-pass"})
    assert answer.status_code == 200 and "token" in answer.json()
    assert requests.post(simulator.url + LOGIN, json={"username": "  ", "password": "x"}).json() == {
        "username": ["This field may not be blank."]}
    assert requests.post(simulator.url + LOGIN, json={"username": "admin"}).json() == {"password": ["This field is required."]}
