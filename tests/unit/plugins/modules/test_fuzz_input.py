# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Hostile input, fuzzed: every module run in process (for speed: the property is about validation) against
the simulator with random and hostile option values, and roster entries the same way.

Each run must end in success or a clean failure (the module's JSON with ``failed`` and a message that names
an option, an entry or the call), never a Python traceback; and a failed run wrote nothing. Real
ansible-playbook runs of the same kind of input are in tests/integration (bad input tests of each module).
"""

from __future__ import annotations

import ast
import functools
import importlib
import json

import pytest
import yaml
from ansible.module_utils.testing import patch_module_args
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.testpress.lms.tests.harness import REPO_ROOT

MODULES = sorted(path.stem for path in (REPO_ROOT / 'plugins' / 'modules').glob('testpress_*.py'))
CONNECTION = ('api_url', 'api_token', 'api_username', 'api_password', 'validate_certs', 'timeout', 'max_retries')
WRITES = ('POST', 'PUT', 'DELETE')
LOGIN = '/api/v2.5/auth-token/'

# Values that break naive code: wrong types, huge and unicode strings, impossible dates, unknown codes,
# negative and huge numbers, nested junk.
# A huge string: 3,000 to 5,000 characters of a drawn piece of up to 40, repeated (drawing each character of a
# huge text alone was half the test's time, for no bug a repeated piece of the same alphabet would not meet).
HUGE = st.builds(lambda piece, size: (piece * (size // len(piece) + 1))[:size],
                 st.text(min_size=1, max_size=40, alphabet='aé漢😀\x00 ,;|"\''), st.integers(min_value=3000, max_value=5000))
TEXT = st.one_of(st.text(max_size=30), HUGE,
                 st.sampled_from(['', ' ', '31/02/2016', '2016-02-31', '29/02/2023', 'IN-ZZ', 'Tamil Nad', 'IN-TN',
                                  'UPSC', 'Batch 01', 'TD', 'a@b', 'x@example.com', 'None', 'true', '{{ 7*7 }}']))
NUMBER = st.one_of(st.integers(min_value=-2 ** 70, max_value=2 ** 70), st.sampled_from([0, -1, 21, 282, 1882, 10 ** 12]))
SCALAR = st.one_of(TEXT, NUMBER, st.booleans(), st.none(), st.floats(allow_nan=True))
JUNK = st.recursive(
    SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=8)
ITEMS = st.lists(st.one_of(NUMBER, TEXT, st.booleans(), st.none(), st.lists(TEXT, max_size=2)), max_size=5)


@functools.lru_cache(maxsize=None)
def options_of(module):
    """The module's documented options (DOCUMENTATION agrees with the argument spec: ansible-test checks it). Read
    once per module: every failed example asks for them."""
    source = (REPO_ROOT / 'plugins' / 'modules' / (module + '.py')).read_text(encoding='utf-8')
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and [target.id for target in node.targets] == ['DOCUMENTATION']:
            return yaml.safe_load(node.value.value).get('options') or {}
    raise AssertionError('no DOCUMENTATION in %s' % module)


def value_for(option, doc):
    if option in ('batches', 'courses'):
        return st.one_of(ITEMS, JUNK)
    if option == 'users':
        return st.lists(entry(), max_size=4)
    if doc.get('choices'):
        return st.one_of(st.sampled_from(doc['choices']), JUNK)
    return JUNK


def entry():
    """A roster entry: a username (often a real one, or a duplicate), and random keys with hostile values."""
    keys = ('state', 'password', 'first_name', 'email', 'birth_date', 'state_code', 'is_active', 'custom_fields',
            'batches', 'courses', 'expires', 'unknown_key')
    return st.fixed_dictionaries(
        {'username': st.one_of(st.sampled_from(['john', 'jdoe', 'fuzz-new', 'fuzz-new', 'admin']), JUNK)},
        optional=dict((key, ITEMS if key in ('batches', 'courses') else JUNK) for key in keys))


def arguments(module):
    options = dict((name, doc) for name, doc in options_of(module).items() if name not in CONNECTION)
    return st.fixed_dictionaries({}, optional=dict((name, value_for(name, doc)) for name, doc in options.items()))


def run_module(module, params, capsys):
    """One run in process: the module's JSON result. An exception other than the module's exit is a bug."""
    main = importlib.import_module('ansible_collections.testpress.lms.plugins.modules.' + module).main
    with patch_module_args(params):
        with pytest.raises(SystemExit):
            main()
    return json.loads(capsys.readouterr().out)


def successful_writes(entries):
    return [entry for entry in entries if entry['method'] in WRITES and entry['path'] != LOGIN
            and entry['status'] is not None and entry['status'] < 400]


def names_what_failed(result, module):
    """A clean failure names an option, a roster entry, or the API call (method and path)."""
    message = result['msg']
    named = [option for option in list(options_of(module)) if option in message]
    return bool(named) or 'users[' in message or '/api/v2.' in message


@pytest.mark.parametrize('module', MODULES)
def test_random_and_hostile_options_end_in_success_or_a_clean_failure(module, simulator, capsys):
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(arguments(module))
    def check(args):
        start = len(simulator.log)
        params = dict(args, api_url=simulator.url, api_username='admin', api_password='admin-pass', timeout=5,
                      max_retries=0)
        result = run_module(module, params, capsys)
        assert 'exception' not in result, result.get('exception')
        if result.get('failed'):
            assert isinstance(result.get('msg'), str) and names_what_failed(result, module), result
            applied = successful_writes(list(simulator.log)[start:])
            # A roster that fails after its plan reports each failed account; otherwise nothing was written.
            assert not applied or result.get('failures'), (result['msg'], applied)
        assert 'admin-pass' not in json.dumps(result)

    check()
