# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The institute's state: users, batches, courses, custom fields and tokens, as the API stores them.

`InstituteState` is a mixin of `Simulator`: the seed, the accessors tests use, the serialisation of
each object as the API reads it, and the validation and writes behind the users routes. Every method
runs under the simulator's lock.
"""

from __future__ import annotations

import datetime
import json
import secrets

import yaml

from .tables import (
    DEFAULT_SEED, EMAIL_RE, GENDERS, IMAGE_FIELDS, MSG_BLANK, MSG_REQUIRED, MSG_USER_EXISTS, MSG_USERNAME, STATES,
    USER_FIELDS, USERNAME_RE, ApiError, b64, check_hash, hash_password, parse_birth_date, parse_bool,
    parse_expires, parse_string, slugify, timestamp,
)


class InstituteState:
    """The data of one simulated institute (see the module docstring)."""

    def _load_state(self, data):
        """Empty the institute, then fill it from the seed `data` (a dict)."""
        self.users = {}
        self._by_username = {}
        self.batches = {}
        self.courses = {}
        self.custom_fields = {}
        self.tokens = {}
        self._next_user = 1880
        self._next_batch = 21
        self._next_course = 278
        self._next_sub = 5001
        for name in data.get("custom_fields") or []:
            self.add_custom_field(name)
        for name in data.get("batches") or []:
            self.add_batch(name)
        for course in data.get("courses") or []:
            if isinstance(course, str):
                self.add_course(course)
            else:
                self.add_course(course["title"], course.get("slug"))
        for user in data.get("users") or []:
            user = dict(user)
            self.add_user(user.pop("username"), user.pop("password", "pw"), **user)

    @staticmethod
    def _load_seed(seed):
        if isinstance(seed, dict):
            return seed
        with open(seed or DEFAULT_SEED, encoding="utf-8") as handle:
            return yaml.safe_load(handle) or {}

    # ------------------------------------------------------------------ test accessors

    def add_custom_field(self, name):
        with self._lock:
            self.custom_fields[name.lower()] = name

    def add_batch(self, name):
        with self._lock:
            bid = self._next_batch
            self._next_batch += 1
            self.batches[bid] = {"id": bid, "name": name, "created": timestamp()}
            return bid

    def add_course(self, title, slug=None):
        with self._lock:
            cid = self._next_course
            self._next_course += 1
            now = timestamp()
            self.courses[cid] = {"id": cid, "title": title, "slug": slug or slugify(title), "description": "", "image": "",
                                 "is_public": True, "created": now, "modified": now, "enable_progressive_lock": False,
                                 "order": len(self.courses) + 1}
            return cid

    def add_user(self, username, password="pw", **fields):
        """Create a user as the API would (fields are API write fields), plus `courses` (titles),
        `is_staff` (admin, may log in and call the API) and `gender_code` ("male"/"female"/"trans")."""
        extra = {key: fields.pop(key) for key in ("courses", "is_staff", "gender_code") if key in fields}
        data = dict(fields, username=username, password=password)
        with self._lock:
            course_ids = []
            for title in extra.get("courses") or []:
                found = [c["id"] for c in self.courses.values() if title in (c["title"], c["slug"])]
                if not found:
                    raise ValueError("add_user(%s): no course %r" % (username, title))
                course_ids.append(found[0])
            try:
                rec = self._create_user(data, auto_password=password is None)
            except ApiError as err:
                raise ValueError("add_user(%s): %s" % (username, json.dumps(err.body))) from None
            rec["is_staff"] = bool(extra.get("is_staff", False))
            if extra.get("gender_code"):
                rec["gender_code"] = extra["gender_code"]
            for cid in course_ids:
                rec["courses"][cid] = True
            return rec["id"]

    def user(self, username):
        """The user as the API reads it (list shape: with `batches` and `password_hash`), or None."""
        with self._lock:
            rec = self._by_username.get(username)
            return None if rec is None else self._user_out(rec, self._base(), with_batches=True)

    def user_batch_ids(self, username):
        with self._lock:
            return sorted(self._by_username[username]["batches"])

    def user_course_ids(self, username):
        with self._lock:
            return sorted(self._by_username[username]["courses"])

    def user_expiries(self, username):
        with self._lock:
            return {bid: sub["expires"] for bid, sub in self._by_username[username]["batches"].items()}

    def check_password(self, username, password):
        with self._lock:
            rec = self._by_username.get(username)
            return rec is not None and check_hash(rec["password_hash"], password)

    def expire_tokens(self):
        with self._lock:
            self.tokens.clear()

    def issue_token(self, username):
        """A token for `username` without a login call (not logged)."""
        with self._lock:
            return self._issue_token(self._by_username[username])

    # ------------------------------------------------------------------ serialisation

    def _base(self, host=None):
        if host:
            return "%s://%s" % (self._scheme, host)
        return self.url or "http://testserver"

    def _batch_out(self, batch, base):
        return {"id": batch["id"], "name": batch["name"], "url": "%s/api/v2.5/admin/batches/%d/" % (base, batch["id"])}

    def _course_out(self, course, base):
        out = dict(course)
        prefix = "%s/api/v2.5/admin/courses/%d/" % (base, course["id"])
        out.update(url=prefix, batches_url=prefix + "batches/", chapters_url=prefix + "chapters/", contents_url=prefix + "contents/")
        return out

    def _sub_out(self, bid, sub, base):
        return {"id": sub["id"], "batch": self._batch_out(self.batches[bid], base), "expires": sub["expires"]}

    def _user_out(self, rec, base, with_batches=False, batches_limit=None):
        uid = rec["id"]
        url = "%s/api/v2.5/admin/users/%d/" % (base, uid)
        out = {"id": uid, "url": url, "username": rec["username"], "password_hash": rec["password_hash"], "photo": None}
        out.update((key, "") for key in IMAGE_FIELDS)
        for field, (kind, _empty) in USER_FIELDS.items():
            out.update(self._field_out(field, kind, rec[field]))
        out["display_name"] = (rec["display_name"] or " ".join(p for p in (rec["first_name"], rec["last_name"]) if p)
                               or rec["username"])
        out.update({"gender_code": rec["gender_code"], "gender": GENDERS.get(rec["gender_code"], "")})
        if self.staff_marked:
            # `staff_marked` False: as the Admin API's documented examples, no account says it is staff.
            out["is_staff"] = rec["is_staff"]
        if with_batches:
            out["batches"] = [self._batch_out(self.batches[bid], base) for bid in list(rec["batches"])[:batches_limit]]
        out.update({"batches_url": url + "batches/", "created": rec["created"], "modified": rec["modified"]})
        return out

    def _field_out(self, field, kind, value):
        """A profile field as the API reads it back: a date in the institute's format, a state as a name (with
        `state_code` beside it) or as its code."""
        if kind == "date" and value is not None:
            return {field: value.isoformat() if self.date_format == "iso" else value.strftime("%d/%m/%Y")}
        if kind == "state":
            return {field: value if self.state_format == "code" or not value else STATES[value], "state_code": value}
        if kind == "custom":
            return {field: dict(value)}
        return {field: value}

    def _me_out(self, rec, base):
        """The public user API's profile (`GET /api/v2.2/me/`): batch names, ISO birth date, state name, no admin fields."""
        out = {"id": rec["id"], "batches": [self.batches[bid]["name"] for bid in rec["batches"]],
               "url": "%s/api/v2.2/users/%d/" % (base, rec["id"]), "username": rec["username"]}
        admin = self._user_out(rec, base)
        out.update((key, admin[key]) for key in ("display_name", "first_name", "last_name", "email", "photo") + IMAGE_FIELDS)
        out.update({"birth_date": rec["birth_date"] and rec["birth_date"].isoformat(), "gender": admin["gender"],
                    "address1": rec["address1"], "address2": rec["address2"], "city": rec["city"], "zip": rec["zip"],
                    "state": STATES.get(rec["state"], ""), "phone": rec["phone"]})
        return out

    # ------------------------------------------------------------------ validation and writes

    def _validate_profile(self, data, errors, rec=None):
        """Clean the profile fields present in `data` (create: rec None). Returns {field: clean value}."""
        clean = {}
        for field, (kind, _empty) in USER_FIELDS.items():
            if field in data:
                try:
                    clean[field] = self._parse_field(kind, data[field])
                except ValueError as err:
                    errors[field] = err.args[0] if isinstance(err.args[0], list) else [str(err)]
        if "expires" in data:
            try:
                clean["expires"] = parse_expires(data["expires"])
            except ValueError as err:
                errors["expires"] = [str(err)]
        return clean

    def _parse_field(self, kind, value):
        """A profile field's value as a write gives it, cleaned by its kind; a ValueError (its message, or for
        custom fields the list of messages) as DRF answers it."""
        if kind == "date":
            return parse_birth_date(value)
        if kind == "flag":
            return parse_bool(value)
        if kind == "state":
            if value is None or value == "":
                return ""
            if isinstance(value, str) and value in STATES:
                return value
            raise ValueError("\"%s\" is not a valid choice." % (value,))
        if kind == "custom":
            return self._parse_custom_fields(value)
        value = parse_string(value)
        if kind == "email" and value and not EMAIL_RE.match(value):
            raise ValueError("Enter a valid email address.")
        return value

    def _parse_custom_fields(self, values):
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise ValueError(["Expected a dictionary of items but got type \"%s\"." % type(values).__name__])
        cleaned, problems = {}, []
        for name, value in values.items():
            canonical = self.custom_fields.get(str(name).lower())
            if canonical is None:
                problems.append("\"%s\" is not a custom field of this institute." % name)
            elif value is None:
                cleaned[canonical] = None
            elif isinstance(value, bool) or not isinstance(value, (str, int, float)):
                problems.append("%s: Not a valid string." % canonical)
            else:
                cleaned[canonical] = str(value).strip()
        if problems:
            raise ValueError(problems)
        return cleaned

    def _validate_username(self, data, errors, rec=None):
        if "username" not in data:
            errors["username"] = [MSG_REQUIRED]
            return None
        try:
            username = parse_string(data["username"])
        except ValueError as err:
            errors["username"] = [str(err)]
            return None
        if not username:
            errors["username"] = [MSG_BLANK]
        elif len(username) > 150 or not USERNAME_RE.match(username):
            errors["username"] = [MSG_USERNAME]
        elif username in self._by_username and self._by_username[username] is not rec:
            errors["username"] = [MSG_USER_EXISTS]
        else:
            return username
        return None

    def _create_user(self, data, auto_password=False, notify=False):
        if not isinstance(data, dict):
            raise ApiError(400, {"non_field_errors": ["Invalid data. Expected a dictionary, but got %s." % type(data).__name__]})
        errors = {}
        username = self._validate_username(data, errors)
        password = None
        if auto_password:
            password = secrets.token_urlsafe(9)
        elif "password" not in data:
            errors["password"] = [MSG_REQUIRED]
        else:
            try:
                password = parse_string(data["password"])
                if not password:
                    errors["password"] = [MSG_BLANK]
            except ValueError as err:
                errors["password"] = [str(err)]
        clean = self._validate_profile(data, errors)
        batch_ids = []
        if data.get("batches") is not None:
            names = data["batches"]
            if not isinstance(names, list):
                errors["batches"] = ["Expected a list of items but got type \"%s\"." % type(names).__name__]
            else:
                problems = []
                for name in names:
                    found = [b["id"] for b in self.batches.values() if b["name"] == name]
                    if not found:
                        problems.append("Object with name=%s does not exist." % (name,))
                    elif len(found) > 1:
                        problems.append("More than one batch is named %s." % (name,))
                    elif found[0] not in batch_ids:
                        batch_ids.append(found[0])
                if problems:
                    errors["batches"] = problems
        if errors:
            raise ApiError(400, errors)
        now = timestamp()
        uid = self._next_user
        self._next_user += 1
        rec = {
            "id": uid, "username": username, "password_hash": hash_password(password), "gender_code": "",
            "is_staff": False, "created": now, "modified": now, "batches": {}, "courses": {},
        }
        rec.update((field, dict(empty) if isinstance(empty, dict) else empty) for field, (_kind, empty) in USER_FIELDS.items())
        self._apply_profile(rec, clean)
        self._index(rec)
        for bid in batch_ids:
            rec["batches"][bid] = {"id": self._take_sub_id(), "expires": clean.get("expires")}
        self.users[uid] = rec
        self._by_username[username] = rec
        if notify:
            self.notified.append(username)
        return rec

    def _apply_profile(self, rec, clean):
        for key, value in clean.items():
            if key == "expires":
                continue
            if key == "custom_fields":
                for name, val in value.items():
                    if val is None:
                        rec["custom_fields"].pop(name, None)
                    else:
                        rec["custom_fields"][name] = val
            else:
                rec[key] = value

    def _update_user(self, rec, data):
        if not isinstance(data, dict):
            raise ApiError(400, {"non_field_errors": ["Invalid data. Expected a dictionary, but got %s." % type(data).__name__]})
        errors = {}
        username = self._validate_username(data, errors, rec)
        password = None
        if data.get("password") not in (None, ""):
            try:
                password = parse_string(data["password"])
            except ValueError as err:
                errors["password"] = [str(err)]
        clean = self._validate_profile(data, errors, rec)
        if errors:
            raise ApiError(400, errors)
        if username != rec["username"]:
            del self._by_username[rec["username"]]
            rec["username"] = username
            self._by_username[username] = rec
        if password:
            rec["password_hash"] = hash_password(password)
        self._apply_profile(rec, clean)
        self._index(rec)
        if "expires" in clean:
            for sub in rec["batches"].values():
                sub["expires"] = clean["expires"]
        rec["modified"] = timestamp()

    @staticmethod
    def _index(rec):
        """The ?q= / ?email= keys, kept lowercase so a search over 10k users stays ~1 ms."""
        rec["_q"] = rec["username"].lower() + "\n" + rec["email"].lower()
        rec["_email"] = rec["email"].lower()

    def _take_sub_id(self):
        sid = self._next_sub
        self._next_sub += 1
        return sid

    def _issue_token(self, rec):
        header = b64({"typ": "JWT", "alg": "HS256"})
        expires = int(datetime.datetime.now().timestamp()) + 300
        if self.token_claims == "id":
            # As the seeds' example token: the `username` claim is the account's id (a number), beside its email.
            payload = b64({"username": rec["id"], "user_id": rec["id"], "email": rec["email"], "exp": expires})
        else:
            payload = b64({"user_id": rec["id"], "username": rec["username"], "exp": expires})
        token = "%s.%s.%s" % (header, payload, secrets.token_urlsafe(32))
        self.tokens[token] = rec["id"]
        return token
