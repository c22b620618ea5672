# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Testpress Admin API simulator, for tests and demos only.

A real HTTP server on 127.0.0.1 that answers the calls described in
/work/shared/API.md the way Django REST framework does, including every
"Known trap" of that API. Standard library and PyYAML; `cryptography` (which
ansible-core installs) for the HTTPS mode only.

In process::

    sim = Simulator()            # loads seed.yml next to this file
    sim.start()                  # sim.url -> "http://127.0.0.1:41234"
    sim.add_user("ann", batches=["UPSC"])
    sim.inject(502, method="POST", path="/api/v2.5/admin/users/", apply=True)
    sim.inject(drop=True, method="POST", apply=True)      # created, then the connection dropped
    sim.inject(answer="endless", path="/api/v2.5/admin/users/", times=None)
    ...
    sim.stop()

From a shell::

    python tests/simulator/server.py --port 8765 [--tls]

See README.md in this directory for the behaviour in detail.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import fnmatch
import hashlib
import ipaddress
import json
import math
import re
import secrets
import shutil
import signal
import socket
import ssl
import sys
import tempfile
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import yaml

PER_PAGE = 20
DEFAULT_SEED = Path(__file__).with_name("seed.yml")
WRITE_METHODS = ("POST", "PUT", "DELETE")
LOGIN_PATH = "/api/v2.5/auth-token/"

# ISO 3166-2:IN. Current codes, plus the older codes still found in data; a code is stored as sent.
# Fields the admin API takes on update only (API.md, "User fields": is_active and is_blocked are "update").
UPDATE_ONLY_FIELDS = ("is_active", "is_blocked")

STATES = {
    "IN-AN": "Andaman and Nicobar Islands",
    "IN-AP": "Andhra Pradesh",
    "IN-AR": "Arunachal Pradesh",
    "IN-AS": "Assam",
    "IN-BR": "Bihar",
    "IN-CH": "Chandigarh",
    "IN-CG": "Chhattisgarh",
    "IN-CT": "Chhattisgarh",                 # old code of IN-CG
    "IN-DH": "Dadra and Nagar Haveli and Daman and Diu",
    "IN-DN": "Dadra and Nagar Haveli",       # old, merged into IN-DH in 2020
    "IN-DD": "Daman and Diu",                # old, merged into IN-DH in 2020
    "IN-DL": "Delhi",
    "IN-GA": "Goa",
    "IN-GJ": "Gujarat",
    "IN-HR": "Haryana",
    "IN-HP": "Himachal Pradesh",
    "IN-JK": "Jammu and Kashmir",
    "IN-JH": "Jharkhand",
    "IN-KA": "Karnataka",
    "IN-KL": "Kerala",
    "IN-LA": "Ladakh",
    "IN-LD": "Lakshadweep",
    "IN-MP": "Madhya Pradesh",
    "IN-MH": "Maharashtra",
    "IN-MN": "Manipur",
    "IN-ML": "Meghalaya",
    "IN-MZ": "Mizoram",
    "IN-NL": "Nagaland",
    "IN-OD": "Odisha",
    "IN-OR": "Odisha",                       # old code of IN-OD
    "IN-PY": "Puducherry",
    "IN-PB": "Punjab",
    "IN-RJ": "Rajasthan",
    "IN-SK": "Sikkim",
    "IN-TN": "Tamil Nadu",
    "IN-TG": "Telangana",
    "IN-TS": "Telangana",                    # 2023 code of Telangana
    "IN-TR": "Tripura",
    "IN-UP": "Uttar Pradesh",
    "IN-UK": "Uttarakhand",
    "IN-UT": "Uttarakhand",                  # old code of IN-UK
    "IN-UL": "Uttarakhand",                  # older code (Uttaranchal)
    "IN-WB": "West Bengal",
}

GENDERS = {"male": "Male", "female": "Female", "trans": "Transgender"}

STRING_FIELDS = ("first_name", "last_name", "email", "address1", "address2", "city", "zip", "phone", "display_name")
IMAGE_FIELDS = ("large_image", "medium_image", "small_image", "x_small_image", "mini_image")

USERNAME_RE = re.compile(r"^[\w.@+-]+\Z")
EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+\Z")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")

MSG_REQUIRED = "This field is required."
MSG_BLANK = "This field may not be blank."
MSG_NULL = "This field may not be null."
MSG_BIRTH_DATE = "Date has wrong format. Use one of these formats instead: DD/MM/YYYY."
MSG_ISO_DATE = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
MSG_USERNAME = "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."
MSG_USER_EXISTS = "A user with that username already exists."
MSG_SLASH = ("You called this URL via {method}, but the URL doesn't end in a slash and you have APPEND_SLASH set. "
             "Django can't redirect to the slash URL while maintaining {method} data. Change your form to point to "
             "{host}{path}/ (note the trailing slash), or set APPEND_SLASH=False in your Django settings.")

FAULT_DEFAULTS = {"latency": 0.0, "throttle_every": 0, "unavailable_every": 0, "retry_after": 1, "expire_tokens_after": 0}
# What an injection may do to an answer it does not replace by an error status (see inject()).
HOSTILE_ANSWERS = ("html", "truncated", "cut", "list", "string", "bad_results", "next_loop", "next_foreign", "endless", "huge")
HUGE_SIZE = 50 * 1024 * 1024
EMBEDDED_BATCHES_LIMIT = 20
# The answer of a request whose connection is dropped: there is none.
DROPPED = (None, None, {}, None)
HTML_ERRORS = {
    500: "Server Error (500)",
    502: "502 Bad Gateway",
    503: "503 Service Temporarily Unavailable",
    504: "504 Gateway Time-out",
}
DETAIL_ERRORS = {
    400: "Bad request.",
    401: "Signature has expired.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    409: "Conflict.",
}


class _Cut(bytes):
    """A body the server announces whole but stops sending half-way, closing the connection."""


class ApiError(Exception):
    """An answer other than success: status, body (dict/list/str/bytes), extra headers."""

    def __init__(self, status, body, headers=None, content_type="application/json"):
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.content_type = content_type


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _hash_password(password, salt=None):
    salt = salt or secrets.token_hex(6)
    digest = base64.b64encode(hashlib.sha256((salt + "$" + password).encode()).digest()).decode()
    return "pbkdf2_sha256$260000$%s$%s" % (salt, digest)


def _check_hash(password_hash, password):
    try:
        salt = password_hash.split("$")[2]
    except (AttributeError, IndexError):
        return False
    return secrets.compare_digest(_hash_password(password, salt), password_hash)


def _slugify(text):
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def _b64(data):
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def _html(status, title, text=""):
    page = "<!doctype html>\n<html><head><title>%s</title></head><body><h1>%s</h1>\n<pre>%s</pre></body></html>\n" % (title, title, text)
    return ApiError(status, page.encode(), content_type="text/html; charset=utf-8")


def _detail(status, message, headers=None):
    return ApiError(status, {"detail": message}, headers)


def _fault(status=None, retry_after=None, apply=False, delay=0.0, drop=False, answer=None, next_host=None, size=HUGE_SIZE):
    return {"status": status, "retry_after": retry_after, "apply": apply, "delay": delay, "drop": drop,
            "answer": answer, "next_host": next_host, "size": size}


def _fault_label(fault):
    """What the request log says was done: e.g. "503", "drop, applied", "delay 2.0s", "endless"."""
    labels = ["delay %ss" % fault["delay"]] if fault["delay"] else []
    if fault["status"] is not None:
        labels.append(str(fault["status"]))
    if fault["drop"]:
        labels.append("drop")
    if fault["answer"]:
        labels.append(fault["answer"])
    if fault["apply"] and (fault["status"] is not None or fault["drop"]):
        labels.append("applied")
    return ", ".join(labels)


def _make_certificates(directory):
    """A throwaway CA and a server certificate it signs for 127.0.0.1 and localhost; returns the
    paths of the CA certificate (what clients trust), the server certificate and its key."""
    from cryptography import x509  # pylint: disable=import-outside-toplevel  # only the HTTPS mode needs it
    from cryptography.hazmat.primitives import hashes, serialization  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.asymmetric import ec  # pylint: disable=import-outside-toplevel
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID  # pylint: disable=import-outside-toplevel

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Testpress simulator test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
          .not_valid_after(now + datetime.timedelta(days=7))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(ca_ski, critical=False)
          .sign(ca_key, hashes.SHA256()))
    server = (x509.CertificateBuilder()
              .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])).issuer_name(ca_name)
              .public_key(key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=7))
              .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                          x509.DNSName("localhost")]), critical=False)
              .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
              .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
              .sign(ca_key, hashes.SHA256()))
    paths = [Path(directory, name) for name in ("ca.pem", "server.pem", "server.key")]
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(server.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return tuple(str(path) for path in paths)


def _truthy(value):
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _parse_bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "on", "false", "0", "no", "off"):
        return value.strip().lower() in ("true", "1", "yes", "on")
    raise ValueError("Must be a valid boolean.")


def _parse_string(value):
    if value is None:
        raise ValueError(MSG_NULL)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError("Not a valid string.")
    return str(value).strip()


def _parse_birth_date(value):
    """DD/MM/YYYY only (as the API's write format); "" and null clear it."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not re.match(r"^\d{1,2}/\d{1,2}/\d{4}\Z", value.strip()):
        raise ValueError(MSG_BIRTH_DATE)
    try:
        return datetime.datetime.strptime(value.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise ValueError(MSG_BIRTH_DATE) from None


def _parse_expires(value):
    """YYYY-MM-DD or null."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not ISO_DATE_RE.match(value):
        raise ValueError(MSG_ISO_DATE)
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(MSG_ISO_DATE) from None


def _parse_pk(value):
    if isinstance(value, bool):
        raise ValueError("Incorrect type. Expected pk value, received bool.")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    raise ValueError("Incorrect type. Expected pk value, received %s." % type(value).__name__)


class Simulator:
    """The simulated Testpress institute plus the HTTP server answering for it.

    `seed` is None (tests/simulator/seed.yml), a path to a YAML file, or a dict of the same shape.
    `state_format` ("name"/"code") and `date_format` ("dmy"/"iso"), when given, override the seed's
    and are what reset() returns to; the attributes of the same names may be changed at any time.
    `embedded_batches_limit` cuts the `batches` the users list embeds, as the real API may.
    `tls=True` serves HTTPS with a certificate made at start(), signed by a throwaway CA whose
    certificate is `cert_path` (give it to clients as REQUESTS_CA_BUNDLE).
    """

    def __init__(self, seed=None, verbose=False, state_format=None, date_format=None, tls=False,
                 embedded_batches_limit=EMBEDDED_BATCHES_LIMIT):
        self._seed = self._load_seed(seed)
        self._config = {"state_format": state_format, "date_format": date_format,
                        "embedded_batches_limit": embedded_batches_limit}
        self.verbose = verbose
        self.tls = tls
        self.cert_path = None
        self._cert_dir = None
        self._lock = threading.RLock()
        self._idle = threading.Condition(self._lock)
        self._in_flight = 0
        self._server = None
        self._thread = None
        self._connections = set()
        self.log = []
        self.faults = dict(FAULT_DEFAULTS)
        self.notified = []
        self._injections = []
        self.state_format = "name"
        self.date_format = "dmy"
        self.reset()

    # ------------------------------------------------------------------ lifecycle

    def start(self, host="127.0.0.1", port=0):
        handler = type("SimHandler", (_Handler,), {"sim": self})
        self._server = _Server((host, port), handler)
        if self.tls:
            self._cert_dir = tempfile.mkdtemp(prefix="testpress-sim-tls-")
            self.cert_path, cert, key = _make_certificates(self._cert_dir)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            self._server.ssl_context = context
        self._thread = threading.Thread(target=self._server.serve_forever, name="testpress-simulator", daemon=True)
        self._thread.start()
        return self

    @property
    def url(self):
        if self._server is None:
            return None
        host, port = self._server.server_address[:2]
        return "%s://%s:%d" % (self._scheme, host, port)

    @property
    def _scheme(self):
        return "https" if self.tls else "http"

    def stop(self):
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._thread.join(5)
        self._server = None
        if self._cert_dir:
            shutil.rmtree(self._cert_dir, ignore_errors=True)
            self._cert_dir = self.cert_path = None

    def __enter__(self):
        return self.start() if self._server is None else self

    def __exit__(self, *exc):
        self.stop()

    def reset(self, seed=None):
        """State back to the seed (this time only: `seed` overrides the constructor's); log, faults, tokens cleared."""
        data = self._seed if seed is None else self._load_seed(seed)
        with self._lock:
            # A request still waiting out a delay would otherwise land in the fresh state.
            self._idle.wait_for(lambda: self._in_flight == 0, timeout=30)
            self.log.clear()
            self.faults.clear()
            self.faults.update(FAULT_DEFAULTS)
            self._injections = []
            self._counter = 0
            self.notified.clear()
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
            self.state_format = self._config["state_format"] or data.get("state_format", "name")
            self.date_format = self._config["date_format"] or data.get("date_format", "dmy")
            self.embedded_batches_limit = self._config["embedded_batches_limit"]
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
            self.batches[bid] = {"id": bid, "name": name, "created": _now()}
            return bid

    def add_course(self, title, slug=None):
        with self._lock:
            cid = self._next_course
            self._next_course += 1
            now = _now()
            self.courses[cid] = {"id": cid, "title": title, "slug": slug or _slugify(title), "description": "", "image": "",
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
            return rec is not None and _check_hash(rec["password_hash"], password)

    def expire_tokens(self):
        with self._lock:
            self.tokens.clear()

    def issue_token(self, username):
        """A token for `username` without a login call (not logged)."""
        with self._lock:
            return self._issue_token(self._by_username[username])

    def writes(self):
        return [e for e in list(self.log) if e["method"] in WRITE_METHODS and e["path"] != LOGIN_PATH]

    def clear_log(self):
        with self._lock:
            self.log.clear()

    def inject(self, status=None, times=1, method=None, path=None, retry_after=None, apply=False,
               delay=0.0, drop=False, answer=None, next_host="http://elsewhere.invalid", size=HUGE_SIZE):
        """Fault the next `times` matching API requests (`times=None`: every one, until reset()).

        `method` None matches any; `path` None matches any, else an exact path or an fnmatch pattern
        (query string ignored). One of `status` (answer that error instead: 5xx as a proxy's HTML page,
        429 with `retry_after`), `drop=True` (close the connection without answering) or `answer` (spoil
        the real answer: one of HOSTILE_ANSWERS, see README.md; `next_host` and `size` tune two of them).
        `apply=True` does the work before the `status` or the drop: "created, then 502". `delay` waits
        that many seconds before handling the request, alone (a slow answer) or with any of the above.
        """
        if sum((status is not None, bool(drop), answer is not None)) > 1:
            raise ValueError("inject: give at most one of status, drop and answer")
        if answer is not None and answer not in HOSTILE_ANSWERS:
            raise ValueError("inject: answer must be one of %s" % ", ".join(HOSTILE_ANSWERS))
        fault = _fault(status=None if status is None else int(status), retry_after=retry_after, apply=bool(apply),
                       delay=float(delay), drop=bool(drop), answer=answer, next_host=next_host, size=int(size))
        fault.update(times=None if times is None else int(times), method=method.upper() if method else None, path=path)
        with self._lock:
            self._injections.append(fault)

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
        birth = rec["birth_date"]
        if birth is not None:
            birth = birth.isoformat() if self.date_format == "iso" else birth.strftime("%d/%m/%Y")
        code = rec["state"]
        state = code if self.state_format == "code" or not code else STATES[code]
        display = rec["display_name"] or " ".join(p for p in (rec["first_name"], rec["last_name"]) if p) or rec["username"]
        out = {
            "id": uid, "url": url, "username": rec["username"], "password_hash": rec["password_hash"],
            "first_name": rec["first_name"], "last_name": rec["last_name"], "display_name": display, "email": rec["email"],
            "photo": None,
        }
        out.update((key, "") for key in IMAGE_FIELDS)
        out.update({
            "birth_date": birth, "gender_code": rec["gender_code"], "gender": GENDERS.get(rec["gender_code"], ""),
            "address1": rec["address1"], "address2": rec["address2"], "city": rec["city"], "zip": rec["zip"],
            "state": state, "state_code": code, "phone": rec["phone"],
            "is_active": rec["is_active"], "is_blocked": rec["is_blocked"], "custom_fields": dict(rec["custom_fields"]),
        })
        if with_batches:
            out["batches"] = [self._batch_out(self.batches[bid], base) for bid in list(rec["batches"])[:batches_limit]]
        out.update({"batches_url": url + "batches/", "created": rec["created"], "modified": rec["modified"]})
        return out

    # ------------------------------------------------------------------ validation and writes

    def _validate_profile(self, data, errors, rec=None):
        """Clean the profile fields present in `data` (create: rec None). Returns {field: clean value}."""
        clean = {}
        for field in STRING_FIELDS:
            if field in data:
                try:
                    clean[field] = _parse_string(data[field])
                except ValueError as err:
                    errors[field] = [str(err)]
        if clean.get("email") and not EMAIL_RE.match(clean["email"]):
            errors["email"] = ["Enter a valid email address."]
        if "birth_date" in data:
            try:
                clean["birth_date"] = _parse_birth_date(data["birth_date"])
            except ValueError as err:
                errors["birth_date"] = [str(err)]
        if "state" in data:
            state = data["state"]
            if state is None or state == "":
                clean["state"] = ""
            elif isinstance(state, str) and state in STATES:
                clean["state"] = state
            else:
                errors["state"] = ["\"%s\" is not a valid choice." % (state,)]
        for field in ("is_active", "is_blocked"):
            if field in data:
                try:
                    clean[field] = _parse_bool(data[field])
                except ValueError as err:
                    errors[field] = [str(err)]
        if "custom_fields" in data:
            values = data["custom_fields"]
            if values is None:
                values = {}
            if not isinstance(values, dict):
                errors["custom_fields"] = ["Expected a dictionary of items but got type \"%s\"." % type(values).__name__]
            else:
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
                    errors["custom_fields"] = problems
                clean["custom_fields"] = cleaned
        if "expires" in data:
            try:
                clean["expires"] = _parse_expires(data["expires"])
            except ValueError as err:
                errors["expires"] = [str(err)]
        return clean

    def _validate_username(self, data, errors, rec=None):
        if "username" not in data:
            errors["username"] = [MSG_REQUIRED]
            return None
        try:
            username = _parse_string(data["username"])
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
                password = _parse_string(data["password"])
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
        now = _now()
        uid = self._next_user
        self._next_user += 1
        rec = {
            "id": uid, "username": username, "password_hash": _hash_password(password),
            "first_name": "", "last_name": "", "email": "", "address1": "", "address2": "", "city": "", "zip": "",
            "phone": "", "display_name": "", "birth_date": None, "state": "", "gender_code": "",
            "is_active": True, "is_blocked": False, "custom_fields": {}, "is_staff": False,
            "created": now, "modified": now, "batches": {}, "courses": {},
        }
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
                password = _parse_string(data["password"])
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
            rec["password_hash"] = _hash_password(password)
        self._apply_profile(rec, clean)
        self._index(rec)
        if "expires" in clean:
            for sub in rec["batches"].values():
                sub["expires"] = clean["expires"]
        rec["modified"] = _now()

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
        header = _b64({"typ": "JWT", "alg": "HS256"})
        payload = _b64({"user_id": rec["id"], "username": rec["username"], "exp": int(datetime.datetime.now().timestamp()) + 300})
        token = "%s.%s.%s" % (header, payload, secrets.token_urlsafe(32))
        self.tokens[token] = rec["id"]
        return token

    # ------------------------------------------------------------------ request processing

    def _handle(self, method, path, query_pairs, raw, headers, host):
        """Process one API request; returns (status, body, headers, content_type), or DROPPED for no answer.
        Records it in the log, with a `fault` entry naming what was done to it."""
        query = dict(query_pairs)
        body, bad_json = None, None
        if raw:
            try:
                body = json.loads(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as err:
                bad_json = str(err)
        entry = {"method": method, "path": path, "query": query, "body": body, "status": None}
        with self._lock:
            self._in_flight += 1
        try:
            return self._handle_logged(entry, (method, path, query, query_pairs, body, bad_json, headers, host))
        finally:
            with self._lock:
                self._in_flight -= 1
                self._idle.notify_all()

    def _handle_logged(self, entry, request):
        method, path = request[:2]
        with self._lock:
            self.log.append(entry)
            self._counter += 1
            count = self._counter
            fault = self._take_fault(method, path, count)
            labels = ["tokens expired"] if self._expire_tokens(count) else []
            delay = float(self.faults.get("latency") or 0) + (fault["delay"] if fault else 0)
        if fault is not None:
            labels.append(_fault_label(fault))
        if labels:
            entry["fault"] = ", ".join(labels)
        if delay > 0:
            time.sleep(delay)
        with self._lock:
            try:
                result = self._answer(request, fault)
            except Exception:  # pylint: disable=broad-except  # a simulator bug: answer as Django does, loudly
                traceback.print_exc()
                err = _html(500, "Server Error (500)", traceback.format_exc())
                result = (err.status, err.body, err.headers, err.content_type)
            entry["status"] = result[0]
        return result

    def _answer(self, request, fault):
        """The answer to `request` (the arguments of _route) under `fault` (None, or an inject()/faults dict)."""
        refuses = fault is not None and (fault["status"] is not None or fault["drop"])
        try:
            if refuses and not fault["apply"]:
                result = None
            else:
                result = self._routed(request)
            if fault is not None and fault["drop"]:
                return DROPPED
            if fault is not None and fault["status"] is not None:
                raise self._fault_error(fault)
            if fault is not None and fault["answer"]:
                return self._hostile(fault, request, result)
            return result
        except ApiError as err:
            return (err.status, err.body, err.headers, err.content_type)

    def _routed(self, request):
        try:
            status, payload, extra = self._route(*request)
            return (status, payload, extra, "application/json")
        except ApiError as err:
            return (err.status, err.body, err.headers, err.content_type)

    def _hostile(self, fault, request, result):
        """The real answer `result`, spoilt as `fault["answer"]` says: what a broken proxy or server sends."""
        kind = fault["answer"]
        status, payload, extra, ctype = result
        if kind == "html":
            return status, _html(status, "Welcome").body, {}, "text/html; charset=utf-8"
        if kind == "huge":
            return status, b'{"padding": "' + b"x" * max(0, fault["size"] - 15) + b'"}', {}, ctype
        if kind == "string":
            return status, "ok", extra, ctype
        if kind in ("truncated", "cut"):
            data = json.dumps(payload).encode("utf-8")
            return status, (_Cut if kind == "cut" else bytes)(data[:len(data) // 2]), extra, ctype
        if kind == "list":
            return status, payload.get("results", [payload]) if isinstance(payload, dict) else [payload], extra, ctype
        method, path, _query, query_pairs, _body, _bad, _headers, host = request
        base = self._base(host)
        page = dict(payload) if isinstance(payload, dict) else {}
        if kind == "bad_results":
            page["results"] = {"detail": "not a list"}
        elif kind == "next_loop":
            page["next"] = base + path + ("?" + urlencode(query_pairs) if query_pairs else "")
        elif kind == "next_foreign" and page.get("next"):
            parts = urlsplit(page["next"])
            page["next"] = fault["next_host"].rstrip("/") + parts.path + ("?" + parts.query if parts.query else "")
        elif kind == "endless":
            pairs = [(key, value) for key, value in query_pairs if key != "page"]
            number = int(dict(query_pairs).get("page", "1"))
            if status == 404:
                # Past the real last page: an empty page that still says there is more.
                first = self._routed((method, path, dict(pairs), pairs) + request[4:])[1]
                page = {"count": first.get("count"), "previous": None, "per_page": PER_PAGE, "results": []}
                status = 200
            page["next"] = base + path + "?" + urlencode(pairs + [("page", str(number + 1))])
        return status, page, extra, "application/json"

    def _take_fault(self, method, path, count):
        for inj in self._injections:
            if inj["method"] not in (None, method):
                continue
            if inj["path"] is not None and not fnmatch.fnmatchcase(path, inj["path"]):
                continue
            if inj["times"] is not None:
                inj["times"] -= 1
                if inj["times"] <= 0:
                    self._injections.remove(inj)
            return inj
        throttle = int(self.faults.get("throttle_every") or 0)
        if throttle > 0 and count % throttle == 0:
            return _fault(status=429, retry_after=self.faults.get("retry_after"))
        unavailable = int(self.faults.get("unavailable_every") or 0)
        if unavailable > 0 and count % unavailable == 0:
            return _fault(status=503)
        return None

    def _expire_tokens(self, count):
        """`expire_tokens_after: N`: the (N+1)th API call finds every token issued so far expired, once."""
        after = int(self.faults.get("expire_tokens_after") or 0)
        if after > 0 and count == after + 1:
            self.tokens.clear()
            return True
        return False

    def _fault_error(self, fault):
        status = fault["status"]
        if status == 429:
            wait = fault.get("retry_after")
            wait = 1 if wait is None else wait
            return _detail(429, "Request was throttled. Expected available in %s second%s." % (wait, "" if wait == 1 else "s"),
                           {"Retry-After": str(wait)})
        if status >= 500:
            return _html(status, HTML_ERRORS.get(status, "%d Server Error" % status))
        headers = {"WWW-Authenticate": 'JWT realm="api"'} if status == 401 else {}
        return _detail(status, DETAIL_ERRORS.get(status, "Error %d." % status), headers)

    # routes: (regex, {method: handler name}); the login route needs no token.
    ROUTES = [
        (re.compile(r"^/api/v2\.5/auth-token/$"), {"POST": "login"}),
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

    def _route(self, method, path, query, query_pairs, body, bad_json, headers, host):
        if not path.endswith("/"):
            if self._match(path + "/") is None:
                raise _detail(404, "Not found.")
            if method in ("GET", "HEAD"):
                location = path + "/" + ("?" + urlencode(query_pairs) if query_pairs else "")
                raise ApiError(301, b"", {"Location": location}, content_type="text/html; charset=utf-8")
            text = "RuntimeError at %s\n%s" % (path, MSG_SLASH.format(method=method, host=host or "testserver", path=path))
            raise _html(500, "RuntimeError at %s" % path, text)
        found = self._match(path)
        if found is None:
            raise _detail(404, "Not found.")
        methods, args = found
        if methods.get("POST") != "login":
            self._authenticate(headers)
        name = methods.get(method)
        if name is None:
            allow = ", ".join(list(methods) + ["OPTIONS"])
            raise _detail(405, "Method \"%s\" not allowed." % method, {"Allow": allow})
        if bad_json is not None:
            raise _detail(400, "JSON parse error - %s" % bad_json)
        ctx = {"query": query, "query_pairs": query_pairs, "body": body, "base": self._base(host), "path": path}
        return getattr(self, "_api_" + name)(ctx, *args)

    def _authenticate(self, headers):
        parts = (headers.get("Authorization") or "").split()
        not_auth = {"WWW-Authenticate": 'JWT realm="api"'}
        if not parts or parts[0].lower() != "jwt":
            raise _detail(401, "Authentication credentials were not provided.", not_auth)
        if len(parts) == 1:
            raise _detail(401, "Invalid Authorization header. No credentials provided.", not_auth)
        if len(parts) > 2:
            raise _detail(401, "Invalid Authorization header. Credentials string should not contain spaces.", not_auth)
        rec = self.users.get(self.tokens.get(parts[1]))
        if rec is None:
            raise _detail(401, "Signature has expired.", not_auth)
        if not rec["is_active"]:
            raise _detail(401, "User account is disabled.", not_auth)
        if not rec["is_staff"]:
            raise _detail(403, "You do not have permission to perform this action.")
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
            raise _detail(404, "Invalid page.")

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
            raise _detail(404, "Not found.")
        return rec

    # ---- login

    def _api_login(self, ctx):
        data = self._body_dict(ctx)
        errors = {key: [MSG_REQUIRED] for key in ("username", "password") if not data.get(key)}
        if errors:
            raise ApiError(400, errors)
        rec = self._by_username.get(str(data["username"]))
        if rec is None or not rec["is_active"] or not _check_hash(rec["password_hash"], str(data["password"])):
            raise ApiError(400, {"non_field_errors": ["Unable to log in with provided credentials."]})
        return 200, {"token": self._issue_token(rec)}, {}

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
            # API.md: activation and blocking are set by an update; a create ignores them.
            data.pop(field, None)
        rec = self._create_user(data, auto_password=_truthy(query.get("auto_generate_password", "")),
                                notify=_truthy(query.get("notify_credential", "")))
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
        """Validate {key: [ids]} against the catalogue and what the user holds (trap 7: no redundant calls)."""
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
                pk = _parse_pk(value)
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
            expires = _parse_expires(data["expires"])
        except ValueError as err:
            raise ApiError(400, {"expires": [str(err)]}) from None
        for bid in ids:
            sub = rec["batches"].setdefault(bid, {"id": None, "expires": None})
            if sub["id"] is None:
                sub["id"] = self._take_sub_id()
            sub["expires"] = expires
        return 201, [self._sub_out(bid, rec["batches"][bid], ctx["base"]) for bid in ids], {}

    def _api_courses_view(self, ctx, uid):
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
            raise _detail(404, "Not found.")
        return 200, self._batch_out(self.batches[bid], ctx["base"]), {}

    def _api_catalogue_batch_create(self, ctx):
        data = self._body_dict(ctx)
        if "name" not in data:
            raise ApiError(400, {"name": [MSG_REQUIRED]})
        try:
            name = _parse_string(data["name"])
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
            raise _detail(404, "Not found.")
        return 200, self._course_out(self.courses[cid], ctx["base"]), {}

    # ------------------------------------------------------------------ /_sim/ control (not logged, no faults)

    def _control(self, method, path, body):
        if method == "GET" and path == "/_sim/log":
            return 200, list(self.log)
        if method == "GET" and path == "/_sim/faults":
            return 200, dict(self.faults)
        if method == "POST" and path == "/_sim/reset":
            self.reset((body or {}).get("seed") if isinstance(body, dict) else None)
            return 200, {"reset": True}
        if method == "POST" and path == "/_sim/faults":
            if not isinstance(body, dict):
                return 400, {"detail": "expected a JSON object"}
            with self._lock:
                self.faults.update(body)
            return 200, dict(self.faults)
        if method == "POST" and path == "/_sim/inject":
            if not isinstance(body, dict):
                return 400, {"detail": "expected a JSON object of inject() arguments"}
            try:
                self.inject(**body)
            except (TypeError, ValueError) as err:
                return 400, {"detail": str(err)}
            return 200, {"injected": body}
        if method == "POST" and path == "/_sim/config":
            if not isinstance(body, dict):
                return 400, {"detail": "expected a JSON object"}
            limit = body.get("embedded_batches_limit", self.embedded_batches_limit)
            if (body.get("state_format", self.state_format) not in ("name", "code")
                    or body.get("date_format", self.date_format) not in ("dmy", "iso")
                    or not (limit is None or isinstance(limit, int) and not isinstance(limit, bool) and limit >= 0)):
                return 400, {"detail": "state_format: name|code, date_format: dmy|iso, embedded_batches_limit: null or a count"}
            self.state_format = body.get("state_format", self.state_format)
            self.date_format = body.get("date_format", self.date_format)
            self.embedded_batches_limit = limit
            return 200, {"state_format": self.state_format, "date_format": self.date_format, "embedded_batches_limit": limit}
        return 404, {"detail": "Not found."}


class _Server(ThreadingHTTPServer):
    """The HTTP server; with `ssl_context` set, each connection does its TLS handshake in its own thread."""

    daemon_threads = True
    ssl_context = None

    def finish_request(self, request, client_address):
        if self.ssl_context is None:
            super().finish_request(request, client_address)
            return
        try:
            request = self.ssl_context.wrap_socket(request, server_side=True)
        except OSError:
            # A client that does not trust the certificate hangs up in the handshake: not our error.
            return
        try:
            super().finish_request(request, client_address)
        finally:
            self.shutdown_request(request)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "TestpressSimulator/1.0"
    sim = None  # set on the subclass made by Simulator.start()

    def setup(self):
        super().setup()
        with self.sim._lock:
            self.sim._connections.add(self.connection)

    def finish(self):
        try:
            super().finish()
        finally:
            with self.sim._lock:
                self.sim._connections.discard(self.connection)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin  # noqa: A002 - stdlib signature
        if self.sim.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), format % args))

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status, body, headers=None, content_type="application/json"):
        if body is None:
            data = b""
        elif isinstance(body, bytes):
            data = body
        else:
            data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if status != 204:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data) * 2 if isinstance(body, _Cut) else len(data)))
        self.end_headers()
        if data and status != 204:
            self.wfile.write(data)
        if isinstance(body, _Cut):
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)

    def _dispatch(self):
        parts = urlsplit(self.path)
        path = parts.path
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        raw = self._read_body()
        if path.startswith("/_sim/"):
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            status, payload = self.sim._control(self.command, path, body)
            self._send(status, payload)
            return
        result = self.sim._handle(self.command, path, pairs, raw, self.headers, self.headers.get("Host"))
        if result is DROPPED:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        try:
            self._send(*result)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up first (its timeout, or a body it would not read whole).
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _dispatch


def main(argv=None):
    parser = argparse.ArgumentParser(description="Testpress Admin API simulator (tests and demos only)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", default=str(DEFAULT_SEED), help="seed YAML file (default: %(default)s)")
    parser.add_argument("--state-format", choices=("name", "code"), default=None)
    parser.add_argument("--date-format", choices=("dmy", "iso"), default=None)
    parser.add_argument("--embedded-batches-limit", type=int, default=EMBEDDED_BATCHES_LIMIT,
                        help="most batches the users list embeds per user (default: %(default)s)")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a throwaway CA; prints the CA certificate's path")
    parser.add_argument("--verbose", action="store_true", help="print an access log on stderr")
    args = parser.parse_args(argv)

    sim = Simulator(args.seed, verbose=args.verbose, state_format=args.state_format, date_format=args.date_format,
                    tls=args.tls, embedded_batches_limit=args.embedded_batches_limit)
    sim.start(args.host, args.port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print("simulator listening on %s" % sim.url, flush=True)
    if sim.tls:
        print("CA certificate: %s" % sim.cert_path, flush=True)
    while not stop.wait(0.5):
        pass
    sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
