# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tables the code keeps in one place, and the docs repeat, hold to the code: the endpoints of ``_api``
(docs/api-behaviour.md), the connection options and their environment variables (the ``connection`` doc fragment
and docs/authentication.md), and the preflight's checks (docs/api-behaviour.md). Each failure names the file and
the row that is missing or wrong."""

from __future__ import annotations

import inspect
import re

import yaml

from ansible_collections.testpress.lms.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.testpress.lms.plugins.module_utils import _preflight
from ansible_collections.testpress.lms.plugins.module_utils._api import TestpressAPI
from ansible_collections.testpress.lms.plugins.module_utils._client import LOGIN_PATH
from ansible_collections.testpress.lms.plugins.module_utils._module import connection_argument_spec
from ansible_collections.testpress.lms.tests.harness import REPO_ROOT

API_BEHAVIOUR = REPO_ROOT / 'docs' / 'api-behaviour.md'
AUTHENTICATION = REPO_ROOT / 'docs' / 'authentication.md'
CELL_CODE = re.compile(r'`([^`]+)`')
FALLBACK_SENTENCE = re.compile(r'If not set, the value of the E\((\w+)\) environment variable is used')


def table_after(path, heading):
    """The body rows of the first Markdown table after ``heading`` (a line's start), each a list of cells."""
    text = path.read_text(encoding='utf-8')
    assert heading in text, '%s: no %r' % (path.name, heading)
    rows = []
    for line in text.split(heading, 1)[1].splitlines():
        if line.startswith('|'):
            rows.append([cell.strip() for cell in line.strip().strip('|').split(' | ')])
        elif rows:
            break
    return rows[2:] if len(rows) > 1 and set(rows[1][0]) <= set('-: ') else rows


class Recorder:
    """A client that records each call ``TestpressAPI`` makes: (method, path with ids as ID, query keys)."""

    def __init__(self):
        self.calls = set()

    def _record(self, method, path, params=None):
        self.calls.add((method, re.sub(r'/\d+/', '/ID/', path), tuple(sorted(params or ()))))
        return {}

    def request_object(self, method, path, params=None, body=None, check=None, action=None):  # check: how the answer is judged
        return self._record(method, path, params)

    def get_all(self, path, params=None, workers=1, **_how):  # shape, progress: how the pages are read
        self._record('GET', path, params)
        return []

    def post(self, path, body=None, action=None):
        return self._record('POST', path)

    def delete(self, path, body=None, action=None):
        return self._record('DELETE', path)


def calls_of_the_api():
    """Every call of every public method of TestpressAPI, each kind of membership and catalogue, every switch."""
    recorder = Recorder()
    api = TestpressAPI(recorder)
    values = {'text': 'x', 'email': 'a@example.com', 'username': 'asha', 'user_id': 7, 'body': {}, 'ids': [1],
              'expires': '2031-03-31', 'item_id': 9, 'auto_generate_password': True, 'notify_credential': True}
    for name, method in inspect.getmembers(api, inspect.ismethod):
        if name.startswith('_'):
            continue
        parameters = inspect.signature(method).parameters
        unknown = [parameter for parameter in parameters if parameter not in values and parameter not in ('kind', 'workers', 'shape', 'progress', 'check')]
        assert not unknown, 'TestpressAPI.%s: give this test a value of %s' % (name, unknown)
        for kind in ('batches', 'courses') if 'kind' in parameters else (None,):
            args = dict((parameter, values[parameter]) for parameter in parameters if parameter in values)
            method(**(dict(args, kind=kind) if kind else args))
    recorder.calls.add(('POST', LOGIN_PATH, ()))
    return recorder.calls


def test_the_endpoint_table_is_every_call_the_collection_makes():
    rows = table_after(API_BEHAVIOUR, '## Endpoints')
    documented = dict((tuple(CELL_CODE.match(row[0]).group(1).split(' ', 1)), ' | '.join(row)) for row in rows)
    calls = calls_of_the_api()
    called = set((method, path) for method, path, _query in calls)
    missing = sorted('%s %s' % call for call in called - set(documented))
    extra = sorted('%s %s' % call for call in set(documented) - called)
    assert not missing and not extra, ('docs/api-behaviour.md, section Endpoints: calls of _api.py not in the table %s; '
                                       'rows the code never calls %s' % (missing, extra))
    unnamed = sorted('%s %s ?%s=' % (method, path, key) for method, path, query in calls for key in query
                     if '?%s=' % key not in documented[(method, path)])
    assert unnamed == [], 'docs/api-behaviour.md, section Endpoints: query parameters not in their row: %s' % unnamed


def test_the_connection_options_and_their_environment_variables_are_documented_as_the_code_has_them():
    spec = connection_argument_spec()
    fallbacks = dict((option, (value.get('fallback') or (None, [None]))[1][0]) for option, value in spec.items())
    # The guide's table: an option (or two, "a / b") and its variables.
    documented = {}
    for row in table_after(AUTHENTICATION, '| option | environment variable |'):
        options, variables = CELL_CODE.findall(row[0]), CELL_CODE.findall(row[1])
        for option, variable in zip(options, variables or [None] * len(options)):
            documented[option] = variable
    assert documented == fallbacks, 'docs/authentication.md: the connection table differs from _module.connection_argument_spec: %s' % (
        sorted(set(documented.items()) ^ set(fallbacks.items())))
    fragment = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    assert set(fragment) == set(spec), 'plugins/doc_fragments/connection.py documents %s; the options are %s' % (
        sorted(fragment), sorted(spec))
    wrong = sorted(option for option, variable in fallbacks.items()
                   if set(FALLBACK_SENTENCE.findall(str(fragment[option]['description']))) != ({variable} if variable else set()))
    assert wrong == [], 'plugins/doc_fragments/connection.py: the environment variable of %s is not the code\'s' % wrong


def test_the_preflight_table_is_the_checks_in_the_order_they_run():
    rows = table_after(API_BEHAVIOUR, '| check | confirms | the roster needs it |')
    documented = [(name, row[2]) for row in rows for name in CELL_CODE.findall(row[0])]
    assert [name for name, _needed in documented] == list(_preflight.CHECKS), (
        'docs/api-behaviour.md: the preflight table lists %s; _preflight.CHECKS runs %s'
        % ([name for name, _needed in documented], list(_preflight.CHECKS)))
    wrong = [name for name, needed in documented if (needed == 'yes') != _preflight.CHECKS[name][1]]
    assert wrong == [], 'docs/api-behaviour.md: "the roster needs it" is wrong for %s' % wrong
