# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""User accounts: the field table, and how one account is brought to its declared state.

``USER_FIELDS`` has one row per profile option. It drives the argument spec, the
comparison (both sides normalised the same way, so equal things compare equal), the
request body, the diff and what ``redact`` masks (its ``personal`` column): adding a field
is one row here plus its entry in the ``testpress.lms.user_profile`` doc fragment (a unit
test keeps the two in step); ``make docs`` writes every other list of the fields.
"""

from __future__ import annotations

from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError, TestpressError
from ansible_collections.testpress.lms.plugins.module_utils._fields import CUSTOM, DATE, EMAIL, FLAG, STATE, TEXT
from ansible_collections.testpress.lms.plugins.module_utils._recovery import until_done

PASSWORD_PLACEHOLDER = '********'
# What a diff says of the password of an account Testpress creates with one it makes (auto_generate_password).
GENERATED_PASSWORD = '(made by Testpress)'


class UserField:
    """One profile option: its name in Ansible, its name in the API, its kind, whether the API
    takes it on create (some fields it accepts on update only), and whether it is a student's
    personal data (contact details, birth date, address, custom fields), which ``redact`` masks."""

    def __init__(self, option, kind=TEXT, api_name=None, on_create=True, personal=False):
        self.option = option
        self.kind = kind
        self.api_name = api_name or option
        self.on_create = on_create
        self.personal = personal

    def read(self, record):
        if self.kind is STATE:
            # The code is in state_code when state reads back as a name.
            return STATE.read(record.get('state_code') or record.get('state'))
        return self.kind.read(record.get(self.api_name))


USER_FIELDS = (
    UserField('first_name'),
    UserField('last_name'),
    UserField('email', EMAIL, personal=True),
    UserField('birth_date', DATE, personal=True),
    UserField('address1', personal=True),
    UserField('address2', personal=True),
    UserField('city', personal=True),
    UserField('zip', personal=True),
    UserField('state_code', STATE, api_name='state', personal=True),
    UserField('phone', personal=True),
    UserField('is_active', FLAG, on_create=False),
    UserField('is_blocked', FLAG, on_create=False),
    UserField('custom_fields', CUSTOM, personal=True),
)
FIELDS_BY_OPTION = dict((field.option, field) for field in USER_FIELDS)
# The options ``redact`` masks in results and reports: the personal column of the table.
PERSONAL_OPTIONS = tuple(field.option for field in USER_FIELDS if field.personal)
# Never handed back to a user of the collection.
SECRET_KEYS = ('password', 'password_hash')


# What a task that reads the whole institute keeps of each account the user list returns: its keys, the fields of
# the table, the staff flags and the batches the list embeds. The rest (image URLs, links, timestamps, the password
# hash) is dropped as each page arrives: 100,000 accounts then cost the module a fraction of their full records.
ACCOUNT_KEYS = frozenset(('id', 'username', 'state', 'state_code', 'is_staff', 'is_superuser', 'batches')
                         + tuple(field.api_name for field in USER_FIELDS))


def account_view(record):
    """``record`` with only ``ACCOUNT_KEYS``."""
    return dict((key, value) for key, value in record.items() if key in ACCOUNT_KEYS)


def profile_argument_spec():
    return dict((field.option, {'type': field.kind.ansible_type}) for field in USER_FIELDS)


def desired_profile(values):
    """The declared profile options (those not None), validated and normalised."""
    return dict(
        (field.option, field.kind.desired(field.option, values[field.option]))
        for field in USER_FIELDS if values.get(field.option) is not None
    )


def current_profile(record):
    """Every profile option of an API user record, normalised."""
    return dict((field.option, field.read(record)) for field in USER_FIELDS)


def changed_options(current, desired):
    return [option for option, value in desired.items()
            if not FIELDS_BY_OPTION[option].kind.same(current[option], value)]


def _show(option, value, current=None):
    """A normalised value as the diff and results show it."""
    if option != 'custom_fields':
        return value
    return CUSTOM.to_api(CUSTOM.spelled(current or {}, value))


def view(profile, options, current=None):
    return dict((option, _show(option, profile[option], current)) for option in options)


def public_user(record):
    """A user record fit to return: no password, no password hash."""
    if not record:
        return {}
    return dict((key, value) for key, value in record.items() if key not in SECRET_KEYS)


def api_body(desired, options, current=None):
    """The request fields for ``options``; custom fields are merged into the current ones and sent whole,
    so that the others keep their values whether the API merges or replaces them."""
    body = {}
    for option in options:
        field = FIELDS_BY_OPTION[option]
        value = desired[option]
        if field.kind is CUSTOM and current is not None:
            value = CUSTOM.merge(current['custom_fields'], value)
        body[field.api_name] = field.kind.to_api(value)
    return body


def not_applied(body, username):
    """A check of a PUT's answer (the record as stored): what the API acknowledged but did not apply, or None.

    Each field the body set is compared, normalised by its kind, with the answer's; a field the answer does not
    carry cannot be told and is not counted. Values are not named: they may be personal.
    """
    def check(answer):
        missed = [field.option for field in USER_FIELDS if field.api_name in body and field.api_name in answer
                  and not field.kind.same(field.read(answer), field.read(body))]
        if not missed:
            return None
        return ("the API accepted the update of '%s' but did not apply it: its answer holds another %s than was sent. "
                'The account is not as the task declares: run the task again, and if this persists, check the account '
                'on the institute' % (username, ', '.join(missed)))
    return check


def update_account(api, user_id, body):
    """The PUT of ``body`` to an account, verified by its answer for free (``not_applied``)."""
    return api.update_user(user_id, body, check=not_applied(body, body.get('username')))


def find_account(api, username=None, user_id=None):
    """The user record named by exact username or by id, or None when there is no such account."""
    if user_id is None:
        return api.find_user(username)
    try:
        return api.get_user(user_id)
    except TestpressError as err:
        if err.status == 404:
            return None
        raise


class UserSpec:
    """One account as a task declares it, validated before anything is sent."""

    __slots__ = ('username', 'profile', 'password', 'update_password', 'auto_generate_password', 'notify_credential')

    def __init__(self, username, values, password=None, update_password='on_create',
                 auto_generate_password=False, notify_credential=False):
        if not isinstance(username, str) or not username.strip():
            raise InputError('username must be a non-empty string')
        self.username = username.strip()
        self.profile = desired_profile(values)
        self.password = password
        self.update_password = update_password
        self.auto_generate_password = auto_generate_password
        self.notify_credential = notify_credential

    def check_creatable(self):
        if not self.password and not self.auto_generate_password:
            raise InputError('password is required to create user %r (or set auto_generate_password; a roster also takes '
                             'initial_password, or the TESTPRESS_INITIAL_PASSWORD environment variable)' % self.username)

    def create_body(self):
        """The create request; fields the API takes on update only follow in one update (UserPlan.apply)."""
        options = [option for option in self.profile if FIELDS_BY_OPTION[option].on_create]
        body = dict(api_body(self.profile, options), username=self.username)
        if self.password and not self.auto_generate_password:
            body['password'] = self.password
        return body


class UserPlan:
    """What it takes to bring one account to its declared state, and how to carry it out.

    ``action`` is ``create``, ``update``, ``delete`` or None; ``body`` is the request body;
    ``before``/``after`` are the managed fields, normalised, for the diff. ``apply(api)`` makes the
    calls and ``predicted()`` is what check mode reports instead: both return the account after.
    """

    __slots__ = ('action', 'spec', 'record', '_body', '_before', '_after', 'joins')

    def __init__(self, action, spec=None, record=None, body=None, before=None, after=None):
        self.action = action
        self.spec = spec
        self.record = record
        self._body = body
        self._before = before
        self._after = after
        # A create's batches (names) and their ``expires``, sent in the create call (``_roster``).
        self.joins = None

    # A create's body and ``after`` are made from its spec when asked: a roster creating 100,000 accounts
    # holds each entry once, not three times.
    @property
    def body(self):
        if self.action != 'create':
            return self._body
        body = self.spec.create_body()
        body.update(self.joins or {})
        return body

    @property
    def before(self):
        return self._before if self._before is not None else {}

    @property
    def after(self):
        if self.action != 'create':
            return self._after if self._after is not None else {}
        spec = self.spec
        after = dict(view(spec.profile, spec.profile), username=spec.username)
        if spec.password or spec.auto_generate_password:
            # The password the create sends is never shown; one Testpress makes is not sent at all.
            after['password'] = GENERATED_PASSWORD if spec.auto_generate_password else PASSWORD_PLACEHOLDER
        return after

    @property
    def changed(self):
        return self.action is not None

    def predicted(self):
        """The account as a check-mode run predicts it: what it is, overlaid by what would be sent."""
        if self.action == 'delete':
            return {}
        return public_user(dict(self.record or {}, **(self.body or {})))

    def apply(self, api):
        """Carry out the plan; returns the account after it (never its password hash)."""
        if self.action == 'create':
            created = create_account(api, self.spec, self.body)
            # Set what the create could not carry (update-only fields), or what differs on an
            # account a recovered create met: one update.
            _current, options, body = profile_update(self.spec, created)
            if options:
                body['username'] = self.spec.username
                created = update_account(api, created['id'], body)
            return public_user(created)
        if self.action == 'update':
            return public_user(update_account(api, self.record['id'], self.body))
        if self.action == 'delete':
            try:
                api.delete_user(self.record['id'])
            except TestpressError as err:
                # Gone already: a delete whose answer was lost and was sent again, or another admin's.
                if err.status != 404:
                    raise
            return {}
        return public_user(self.record)


def profile_update(spec, record):
    """The current profile of ``record``, the declared options that differ, and the body that sets them."""
    current = current_profile(record)
    options = changed_options(current, spec.profile)
    return current, options, api_body(spec.profile, options, current)


def plan_present(spec, record):
    """Create the account, or update only the fields that differ (the PUT carries username too)."""
    if record is None:
        spec.check_creatable()
        return UserPlan('create', spec)
    current, options, body = profile_update(spec, record)
    before = dict(view(current, spec.profile, current['custom_fields']), username=spec.username)
    after = dict(before, **view(spec.profile, options, current['custom_fields']))
    if spec.password and spec.update_password == 'always':
        # A password cannot be read back to compare, so 'always' always sends it.
        body['password'] = spec.password
        before['password'] = PASSWORD_PLACEHOLDER
        after['password'] = PASSWORD_PLACEHOLDER + ' (new)'
    if not body:
        return UserPlan(None, spec, record, None, before, after)
    body['username'] = record.get('username', spec.username)
    return UserPlan('update', spec, record, body, before, after)


def plan_absent(record):
    if record is None:
        return UserPlan(None)
    before = dict(view(current_profile(record), FIELDS_BY_OPTION), username=record.get('username'))
    return UserPlan('delete', None, record, None, before, {})


def _username_taken(err):
    """A create refused because the username exists: an earlier attempt of this create was applied."""
    return err.status == 400 and 'exist' in err.message.lower() and 'username' in err.message.lower()


def create_account(api, spec, body):
    """Create the account. A create whose outcome is unknown, or that meets "already exists", is
    recovered by reading the account back (``_recovery.until_done``); usernames are unique, so a
    create sent again can never make a second account."""
    def read_back():
        record = api.find_user(spec.username)
        return record is not None, record

    return until_done(api.client,
                      lambda: api.create_user(body, auto_generate_password=spec.auto_generate_password,
                                              notify_credential=spec.notify_credential),
                      read_back, happened_before=_username_taken)
