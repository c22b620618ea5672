# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API's routes: paths, authentication, pagination and one handler per call.

`ApiRoutes` is a mixin of `Simulator`. To add an endpoint: a line in `ROUTES` (path pattern and the
handler of each method) and its `_api_<name>(ctx, *ids)` method, which returns `(status, payload,
headers)` or raises `ApiError`.
"""

from __future__ import annotations

import math
import re
from urllib.parse import urlencode

from .tables import (
    MSG_BLANK, MSG_REQUIRED, MSG_SLASH, PER_PAGE, UPDATE_ONLY_FIELDS, ApiError, detail_error, html_error, parse_expires,
    check_hash, parse_pk, parse_string, truthy,
)


class ApiRoutes:
    """The Testpress Admin API's calls over the institute's state (see the module docstring)."""

    # routes: (regex, {method: handler name}). The login needs no token; the public user API (`me`) takes any
    # account's token; every other route is the admin API (staff only).
    ROUTES = [
        (re.compile(r"^/api/v2\.5/auth-token/$"), {"POST": "login"}),
        (re.compile(r"^/api/v2\.2/me/$"), {"GET": "me"}),
        (re.compile(r"^/api/v2\.5/admin/users/$"), {"GET": "users_list", "POST": "users_create"}),
        (re.compile(r"^/api/v2\.5/admin/users/(\d+)/$"), {"GET": "user_view", "PUT": "user_update"}),
        (re.compile(r"^/api/v2\.2/admin/users/(\d+)/$"), {"DELETE": "user_delete"}),
        (re.compile(r"^/api/v2\.5/admin/users/(\d+)/batches/$"), {"GET": "batches_view", "POST": "batches_add", "DELETE": "batches_remove"}),
        (re.compile(r"^/api/v2\.5/admin/users/(\d+)/subscriptions/$"), {"GET": "subs_view", "POST": "subs_add"}),
        (re.compile(r"^/api/v2\.5/admin/users/(\d+)/courses/$"), {"GET": "courses_view", "POST": "courses_add", "DELETE": "courses_remove"}),
        (re.compile(r"^/api/v2\.5/admin/batches/$"), {"GET": "catalogue_batches", "POST": "catalogue_batch_create"}),
        (re.compile(r"^/api/v2\.5/admin/batches/(\d+)/$"), {"GET": "catalogue_batch"}),
        (re.compile(r"^/api/v2\.5/admin/courses/$"), {"GET": "catalogue_courses"}),
        (re.compile(r"^/api/v2\.5/admin/courses/(\d+)/$"), {"GET": "catalogue_course"}),
    ]

    def _match(self, path):
        for regex, methods in self.ROUTES:
            found = regex.match(path)
            if found:
                return methods, [int(g) for g in found.groups()]
        return None

    def _route(self, request):
        method, path, query_pairs, host = request.method, request.path, request.query_pairs, request.host
        if not path.endswith("/"):
            if self._match(path + "/") is None:
                raise detail_error(404, "Not found.")
            if method in ("GET", "HEAD"):
                location = path + "/" + ("?" + urlencode(query_pairs) if query_pairs else "")
                raise ApiError(301, b"", {"Location": location}, content_type="text/html; charset=utf-8")
            text = "RuntimeError at %s\n%s" % (path, MSG_SLASH.format(method=method, host=host or "testserver", path=path))
            raise html_error(500, "RuntimeError at %s" % path, text)
        found = self._match(path)
        if found is None or (self.me_status == 404 and found[0].get("GET") == "me"):
            # `me_status` 404: an institute that does not serve the public user API has no such path.
            raise detail_error(404, "Not found.")
        methods, args = found
        account = None
        if methods.get("POST") != "login":
            account = self._authenticate(request.headers, staff=methods.get("GET") != "me")
        # As DRF's APIView.initial(): authentication, permissions, then throttles, then the method's handler.
        self._check_throttle(account, request.client)
        name = methods.get(method)
        if name is None:
            raise self._not_allowed(method, methods)
        if request.bad_json is not None:
            raise detail_error(400, "JSON parse error - %s" % request.bad_json)
        ctx = {"query": request.query, "query_pairs": query_pairs, "body": request.body, "base": self._base(host), "path": path,
               "account": account}
        return getattr(self, "_api_" + name)(ctx, *args)

    @staticmethod
    def _not_allowed(method, methods):
        return detail_error(405, "Method \"%s\" not allowed." % method, {"Allow": ", ".join(list(methods) + ["OPTIONS"])})

    def _authenticate(self, headers, staff=True):
        parts = (headers.get("Authorization") or "").split()
        not_auth = {"WWW-Authenticate": 'JWT realm="api"'}
        if not parts or parts[0].lower() != "jwt":
            raise detail_error(401, "Authentication credentials were not provided.", not_auth)
        if len(parts) == 1:
            raise detail_error(401, "Invalid Authorization header. No credentials provided.", not_auth)
        if len(parts) > 2:
            raise detail_error(401, "Invalid Authorization header. Credentials string should not contain spaces.", not_auth)
        rec = self.users.get(self.tokens.get(parts[1]))
        if rec is None:
            raise detail_error(401, "Signature has expired.", not_auth)
        if not rec["is_active"]:
            raise detail_error(401, "User account is disabled.", not_auth)
        if staff and not rec["is_staff"]:
            raise detail_error(403, "You do not have permission to perform this action.")
        return rec

    def _page(self, ctx, items, serialize, status=200):
        raw = ctx["query"].get("page", "1")
        count = len(items)
        pages = max(1, math.ceil(count / PER_PAGE))
        try:
            page = pages if raw == "last" else int(raw)
        except ValueError:
            page = 0
        if page < 1 or page > pages:
            raise detail_error(404, "Invalid page.")

        def link(number):
            pairs = [(k, v) for k, v in ctx["query_pairs"] if k != "page"]
            if number > 1:
                pairs.append(("page", str(number)))
            return ctx["base"] + ctx["path"] + ("?" + urlencode(pairs) if pairs else "")

        start = (page - 1) * PER_PAGE
        results = [serialize(item) for item in items[start:start + PER_PAGE]]
        return status, {"count": count, "next": link(page + 1) if page < pages else None,
                        "previous": link(page - 1) if page > 1 else None, "per_page": PER_PAGE, "results": results}, {}

    def _body_dict(self, ctx):
        body = ctx["body"]
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise ApiError(400, {"non_field_errors": ["Invalid data. Expected a dictionary, but got %s." % type(body).__name__]})
        return body

    def _get_user(self, uid):
        rec = self.users.get(uid)
        if rec is None:
            raise detail_error(404, "Not found.")
        return rec

    # ---- login

    def _api_login(self, ctx):
        data = self._body_dict(ctx)
        errors, given = {}, {}
        for key in ("username", "password"):
            # CharFields, as every DRF text field: trimmed, then "required" / "may not be blank".
            try:
                given[key] = parse_string(data[key]) if key in data else ""
            except ValueError as err:
                errors[key] = [str(err)]
                continue
            if key not in data:
                errors[key] = [MSG_REQUIRED]
            elif not given[key]:
                errors[key] = [MSG_BLANK]
        if errors:
            raise ApiError(400, errors)
        rec = self._by_username.get(given["username"])
        if rec is None or not rec["is_active"] or not check_hash(rec["password_hash"], given["password"]):
            raise ApiError(400, {"non_field_errors": ["Unable to log in with provided credentials."]})
        return 200, {"token": self._issue_token(rec)}, {}

    # ---- the public user API

    def _api_me(self, ctx):
        """`GET /api/v2.2/me/`: the profile of the token's account (any account), as the public user API reads it."""
        return 200, self._me_out(ctx["account"], ctx["base"]), {}

    # ---- users

    def _api_users_list(self, ctx):
        q = ctx["query"].get("q", "").lower()
        email = ctx["query"].get("email", "").lower()
        users = self.users.values()
        if q:
            users = [u for u in users if q in u["_q"]]
        if email:
            users = [u for u in users if u["_email"] == email]
        limit = self.embedded_batches_limit
        return self._page(ctx, list(users), lambda rec: self._user_out(rec, ctx["base"], with_batches=True, batches_limit=limit))

    def _api_users_create(self, ctx):
        query = ctx["query"]
        data = self._body_dict(ctx)
        for field in UPDATE_ONLY_FIELDS:
            # Activation and blocking are set by an update; a create ignores them.
            data.pop(field, None)
        rec = self._create_user(data, auto_password=truthy(query.get("auto_generate_password", "")),
                                notify=truthy(query.get("notify_credential", "")))
        return 201, self._user_out(rec, ctx["base"]), {}

    def _api_user_view(self, ctx, uid):
        return 200, self._user_out(self._get_user(uid), ctx["base"]), {}

    def _api_user_update(self, ctx, uid):
        rec = self._get_user(uid)
        self._update_user(rec, self._body_dict(ctx))
        return 200, self._user_out(rec, ctx["base"]), {}

    def _api_user_delete(self, ctx, uid):
        rec = self._get_user(uid)
        del self.users[uid]
        del self._by_username[rec["username"]]
        for token in [t for t, owner in self.tokens.items() if owner == uid]:
            del self.tokens[token]
        return 204, None, {}

    # ---- memberships

    def _member_ids(self, ctx, key, catalogue, held, adding):
        """Validate {key: [ids]} against the catalogue and what the user holds: adding a held item or removing a
        missing one is a 400, so a client that sends a redundant call fails its test."""
        data = self._body_dict(ctx)
        if key not in data:
            raise ApiError(400, {key: [MSG_REQUIRED]})
        ids = data[key]
        if not isinstance(ids, list):
            raise ApiError(400, {key: ["Expected a list of items but got type \"%s\"." % type(ids).__name__]})
        if not ids:
            raise ApiError(400, {key: ["This list may not be empty."]})
        kind = key[:-1] if key == "courses" else "batch"
        problems, clean = [], []
        for value in ids:
            try:
                pk = parse_pk(value)
            except ValueError as err:
                problems.append(str(err))
                continue
            item = catalogue.get(pk)
            if item is None:
                problems.append("Invalid pk \"%s\" - object does not exist." % pk)
                continue
            label = item.get("name") or item.get("title")
            if pk in clean:
                problems.append("%s %d (\"%s\") is listed more than once." % (kind.capitalize(), pk, label))
            elif held is not None and adding and pk in held:
                problems.append("User is already in %s %d (\"%s\")." % (kind, pk, label))
            elif held is not None and not adding and pk not in held:
                problems.append("User is not in %s %d (\"%s\")." % (kind, pk, label))
            clean.append(pk)
        if problems:
            raise ApiError(400, {key: problems})
        return clean

    def _api_batches_view(self, ctx, uid):
        rec = self._get_user(uid)
        return self._page(ctx, list(rec["batches"]), lambda bid: self._batch_out(self.batches[bid], ctx["base"]))

    def _api_batches_add(self, ctx, uid):
        rec = self._get_user(uid)
        for bid in self._member_ids(ctx, "batches", self.batches, rec["batches"], adding=True):
            rec["batches"][bid] = {"id": self._take_sub_id(), "expires": None}
        return 201, [self._batch_out(self.batches[bid], ctx["base"]) for bid in rec["batches"]], {}

    def _api_batches_remove(self, ctx, uid):
        rec = self._get_user(uid)
        for bid in self._member_ids(ctx, "batches", self.batches, rec["batches"], adding=False):
            del rec["batches"][bid]
        return 204, None, {}

    def _api_subs_view(self, ctx, uid):
        rec = self._get_user(uid)
        return self._page(ctx, list(rec["batches"].items()), lambda item: self._sub_out(item[0], item[1], ctx["base"]))

    def _api_subs_add(self, ctx, uid):
        rec = self._get_user(uid)
        ids = self._member_ids(ctx, "batches", self.batches, None, adding=True)
        data = self._body_dict(ctx)
        if "expires" not in data:
            raise ApiError(400, {"expires": [MSG_REQUIRED]})
        try:
            expires = parse_expires(data["expires"])
        except ValueError as err:
            raise ApiError(400, {"expires": [str(err)]}) from None
        for bid in ids:
            sub = rec["batches"].setdefault(bid, {"id": None, "expires": None})
            if sub["id"] is None:
                sub["id"] = self._take_sub_id()
            sub["expires"] = expires
        return 201, [self._sub_out(bid, rec["batches"][bid], ctx["base"]) for bid in ids], {}

    def _api_courses_view(self, ctx, uid):
        # The listing the collection assumes; `courses_listing_status` answers as an institute without it.
        if self.courses_listing_status == 404:
            raise detail_error(404, "Not found.")
        if self.courses_listing_status == 405:
            raise self._not_allowed("GET", {"POST": "courses_add", "DELETE": "courses_remove"})
        rec = self._get_user(uid)
        return self._page(ctx, list(rec["courses"]), lambda cid: self._course_out(self.courses[cid], ctx["base"]))

    def _api_courses_add(self, ctx, uid):
        rec = self._get_user(uid)
        for cid in self._member_ids(ctx, "courses", self.courses, rec["courses"], adding=True):
            rec["courses"][cid] = True
        return self._page(dict(ctx, query={}, query_pairs=[]), list(rec["courses"]),
                          lambda cid: self._course_out(self.courses[cid], ctx["base"]), status=201)

    def _api_courses_remove(self, ctx, uid):
        rec = self._get_user(uid)
        for cid in self._member_ids(ctx, "courses", self.courses, rec["courses"], adding=False):
            del rec["courses"][cid]
        return 204, None, {}

    # ---- catalogue

    def _api_catalogue_batches(self, ctx):
        text = ctx["query"].get("search", "").lower()
        items = [b for b in self.batches.values() if text in b["name"].lower()]
        return self._page(ctx, items, lambda b: self._batch_out(b, ctx["base"]))

    def _api_catalogue_batch(self, ctx, bid):
        if bid not in self.batches:
            raise detail_error(404, "Not found.")
        return 200, self._batch_out(self.batches[bid], ctx["base"]), {}

    def _api_catalogue_batch_create(self, ctx):
        data = self._body_dict(ctx)
        if "name" not in data:
            raise ApiError(400, {"name": [MSG_REQUIRED]})
        try:
            name = parse_string(data["name"])
        except ValueError as err:
            raise ApiError(400, {"name": [str(err)]}) from None
        if not name:
            raise ApiError(400, {"name": [MSG_BLANK]})
        if any(b["name"] == name for b in self.batches.values()):
            raise ApiError(400, {"name": ["batch with this name already exists."]})
        return 201, self._batch_out(self.batches[self.add_batch(name)], ctx["base"]), {}

    def _api_catalogue_courses(self, ctx):
        text = ctx["query"].get("q", "").lower()
        items = [c for c in self.courses.values() if text in c["title"].lower() or text in c["slug"].lower()]
        return self._page(ctx, items, lambda c: self._course_out(c, ctx["base"]))

    def _api_catalogue_course(self, ctx, cid):
        if cid not in self.courses:
            raise detail_error(404, "Not found.")
        return 200, self._course_out(self.courses[cid], ctx["base"]), {}
