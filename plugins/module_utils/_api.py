# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Testpress endpoints the collection uses, by what they do: nothing else in the collection builds a URL.

An endpoint the collection assumes without the API's documentation saying so (docs/api-behaviour.md)
fails, when the institute answers it 404 or 405, with words naming the assumption and its section there.
"""

from __future__ import annotations

from ansible_collections.testpress.lms.plugins.module_utils._client import API
from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError, TestpressError
from ansible_collections.testpress.lms.plugins.module_utils._progress import SILENT

USERS_PATH = API + '/admin/users/'
# The endpoints Testpress serves only under the older version.
OLD_API = '/api/v2.2'
DELETE_USERS_PATH = OLD_API + '/admin/users/'
ME_PATH = OLD_API + '/me/'
NOT_SERVED = (404, 405)
# What the collection assumes of each listing that is not documented: (what it is, docs/api-behaviour.md section).
ASSUMED = {
    'courses': ("a user's courses listing", 'Memberships'),
    'subscriptions': ("a user's batch subscriptions listing", 'Memberships'),
}


class AssumptionError(TestpressError):
    """The institute does not serve an endpoint the collection assumes (404 or 405)."""


def _id(value, what='user'):
    """``value`` as an id for a URL: a positive integer, never a bool (``true`` must not become ``/1/``)."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InputError('%r is not a %s id: an id is a positive integer' % (value, what))
    return value


def _user_path(user_id, sub=None):
    return '%s%d/%s' % (USERS_PATH, _id(user_id), sub + '/' if sub else '')


class TestpressAPI:
    """The Testpress endpoints the collection uses, by what they do."""

    # Catalogue search: batches take ?search= (substring), courses ?q= (fuzzy).
    CATALOGUE = {
        'batches': (API + '/admin/batches/', 'search'),
        'courses': (API + '/admin/courses/', 'q'),
    }

    def __init__(self, client):
        self.client = client

    def me(self):
        """The account the token belongs to (``GET /api/v2.2/me/``, the public "current user" API), or None
        when the institute does not serve it (404, 405)."""
        try:
            return self.client.request_object('GET', ME_PATH)
        except TestpressError as err:
            if err.status in NOT_SERVED:
                return None
            raise

    def search_users(self, text, workers=1, progress=SILENT):
        """``?q=`` matches username or email as a substring: callers pick exact matches."""
        return self.client.get_all(USERS_PATH, {'q': text}, workers=workers, progress=progress)

    def users_by_email(self, email):
        return self.client.get_all(USERS_PATH, {'email': email})

    def list_users(self, workers=1, shape=None, progress=SILENT):
        """Every user, each with the ``batches`` the list embeds; pages read by ``workers`` in parallel; each user as
        ``shape`` keeps it, when given."""
        return self.client.get_all(USERS_PATH, workers=workers, shape=shape, progress=progress)

    def find_user(self, username):
        """The account whose username is exactly ``username``, or None."""
        for user in self.search_users(username):
            if user.get('username') == username:
                return user
        return None

    def get_user(self, user_id):
        return self.client.request_object('GET', _user_path(user_id))

    def create_user(self, body, auto_generate_password=False, notify_credential=False):
        params = {}
        if auto_generate_password:
            params['auto_generate_password'] = 'true'
        if notify_credential:
            params['notify_credential'] = 'true'
        return self.client.request_object('POST', USERS_PATH, params=params or None, body=body, action='create')

    def update_user(self, user_id, body, check=None):
        """The PUT of ``body``; its answer is the record as stored, which ``check(answer)`` may find wanting."""
        return self.client.request_object('PUT', _user_path(user_id), body=body, check=check, action='update')

    def delete_user(self, user_id):
        self.client.delete('%s%d/' % (DELETE_USERS_PATH, _id(user_id)), action='delete')

    def list_members(self, kind, user_id):
        return self._assumed(kind, self.client.get_all, _user_path(user_id, kind))

    def add_members(self, kind, user_id, ids):
        return self.client.post(_user_path(user_id, kind), {kind: list(ids)}, action='add ' + kind)

    def remove_members(self, kind, user_id, ids):
        return self.client.delete(_user_path(user_id, kind), {kind: list(ids)}, action='remove ' + kind)

    def list_subscriptions(self, user_id):
        return self._assumed('subscriptions', self.client.get_all, _user_path(user_id, 'subscriptions'))

    def add_subscriptions(self, user_id, ids, expires):
        return self.client.post(_user_path(user_id, 'subscriptions'), {'batches': list(ids), 'expires': expires},
                                action='add batches with expires')

    def search_catalogue(self, kind, text):
        path, parameter = self.CATALOGUE[kind]
        return self.client.get_all(path, {parameter: text})

    def get_catalogue_item(self, kind, item_id):
        path = self.CATALOGUE[kind][0]
        return self.client.request_object('GET', '%s%d/' % (path, _id(item_id, kind[:-1])))

    @staticmethod
    def _assumed(kind, read, path):
        """``read(path)``; a 404 or 405 of an assumed listing becomes an error naming the assumption."""
        try:
            return read(path)
        except TestpressError as err:
            if kind not in ASSUMED or err.status not in NOT_SERVED:
                raise
            what, section = ASSUMED[kind]
            message = ('%s; the collection assumes the institute serves %s here (docs/api-behaviour.md, section %s), '
                       'and this one does not' % (err.message, what, section))
            raise AssumptionError(err.method, err.path, err.status, message) from None
