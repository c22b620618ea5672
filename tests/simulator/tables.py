# Copyright: (c) 2026, testpress.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's own tables: limits, ISO state codes, DRF's messages, value parsers and error answers.

A test oracle keeps its own copy of these: it never imports the collection code it checks.
"""

from __future__ import annotations

import base64
import collections
import datetime
import hashlib
import json
import re
import secrets
from pathlib import Path

PER_PAGE = 20
DEFAULT_SEED = Path(__file__).with_name("seed.yml")
WRITE_METHODS = ("POST", "PUT", "DELETE")
LOGIN_PATH = "/api/v2.5/auth-token/"

EMBEDDED_BATCHES_LIMIT = 20

# The profile fields of a user, by the admin API's name: each one's kind (how a write is validated, how it is
# stored and read back: text, email, date, state, flag, custom) and its value when a create leaves it out.
# A new profile field of the API is one line here: state.py validates, stores and shows every field by its kind.
USER_FIELDS = {
    "first_name": ("text", ""), "last_name": ("text", ""), "display_name": ("text", ""), "email": ("email", ""),
    "birth_date": ("date", None), "address1": ("text", ""), "address2": ("text", ""), "city": ("text", ""),
    "zip": ("text", ""), "state": ("state", ""), "phone": ("text", ""), "is_active": ("flag", True),
    "is_blocked": ("flag", False), "custom_fields": ("custom", {}),
}
# Fields the admin API takes on update only: a create ignores is_active and is_blocked.
UPDATE_ONLY_FIELDS = ("is_active", "is_blocked")

# ISO 3166-2:IN. Current codes, plus the older codes still found in data; a code is stored as sent.
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


# One API request as the handler read it: `client` is the caller's address, `raw` the body as sent.
Request = collections.namedtuple("Request", "method path query query_pairs body bad_json headers host client raw")


class ApiError(Exception):
    """An answer other than success: status, body (dict/list/str/bytes), extra headers."""

    def __init__(self, status, body, headers=None, content_type="application/json"):
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.content_type = content_type


def timestamp():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def hash_password(password, salt=None):
    salt = salt or secrets.token_hex(6)
    digest = base64.b64encode(hashlib.sha256((salt + "$" + password).encode()).digest()).decode()
    return "pbkdf2_sha256$260000$%s$%s" % (salt, digest)


def check_hash(password_hash, password):
    try:
        salt = password_hash.split("$")[2]
    except (AttributeError, IndexError):
        return False
    return secrets.compare_digest(hash_password(password, salt), password_hash)


def slugify(text):
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def b64(data):
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def html_error(status, title, text=""):
    page = "<!doctype html>\n<html><head><title>%s</title></head><body><h1>%s</h1>\n<pre>%s</pre></body></html>\n" % (title, title, text)
    return ApiError(status, page.encode(), content_type="text/html; charset=utf-8")


def detail_error(status, message, headers=None):
    return ApiError(status, {"detail": message}, headers)


def truthy(value):
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def parse_bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "on", "false", "0", "no", "off"):
        return value.strip().lower() in ("true", "1", "yes", "on")
    raise ValueError("Must be a valid boolean.")


def parse_string(value):
    if value is None:
        raise ValueError(MSG_NULL)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError("Not a valid string.")
    return str(value).strip()


def parse_birth_date(value):
    """DD/MM/YYYY only (as the API's write format); "" and null clear it."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not re.match(r"^\d{1,2}/\d{1,2}/\d{4}\Z", value.strip()):
        raise ValueError(MSG_BIRTH_DATE)
    try:
        return datetime.datetime.strptime(value.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise ValueError(MSG_BIRTH_DATE) from None


def parse_expires(value):
    """YYYY-MM-DD or null."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not ISO_DATE_RE.match(value):
        raise ValueError(MSG_ISO_DATE)
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(MSG_ISO_DATE) from None


def parse_pk(value):
    if isinstance(value, bool):
        raise ValueError("Incorrect type. Expected pk value, received bool.")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    raise ValueError("Incorrect type. Expected pk value, received %s." % type(value).__name__)


def throttled_error(wait):
    """DRF's `Throttled(wait)`: 429, its message, and `Retry-After` when `wait` (whole seconds) is not None."""
    if wait is None:
        return detail_error(429, "Request was throttled.")
    return detail_error(429, "Request was throttled. Expected available in %d second%s." % (wait, "" if wait == 1 else "s"),
                        {"Retry-After": "%d" % wait})
