# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The AWX credential type of docs/awx/ parses, and injects exactly what the modules read.

Each injected environment variable must be the fallback of a connection option
(``_module.connection_argument_spec``), and each such fallback must be injected. The injectors
are rendered as AWX renders them (Jinja, with the inputs a credential has) and must give values
the options accept: a credential with only a URL and a token verifies certificates, as AWX gives every boolean
it was not given as false.
docs/awx.md must show the same YAML as the two files.
"""

from __future__ import annotations

import pytest
import yaml
from ansible.module_utils.common.validation import check_type_bool, check_type_float, check_type_int

from ansible_collections.testpress.lms.plugins.module_utils._module import connection_argument_spec
from ansible_collections.testpress.lms.tests.harness.awx_credential import INJECTORS, INPUTS, injected_env
from ansible_collections.testpress.lms.tests.harness import REPO_ROOT

# Environment variable -> the connection option that falls back to it.
FALLBACKS = dict((name, option) for option, spec in connection_argument_spec().items()
                 for name in spec.get('fallback', (None, []))[1])


def test_the_inputs_are_the_credential_fields():
    fields = dict((field['id'], field) for field in INPUTS['fields'])
    assert set(fields) == {'url', 'username', 'password', 'token', 'skip_tls_verify', 'rate_limit', 'max_throttle_wait',
                           'allow_insecure_http'}
    assert fields['password'].get('secret') is True and fields['token'].get('secret') is True
    # AWX gives an unset boolean as false: a switch that weakens security must be one that false leaves off.
    assert fields['skip_tls_verify']['type'] == 'boolean' and fields['allow_insecure_http']['type'] == 'boolean'
    assert INPUTS['required'] == ['url']


def test_every_injected_variable_is_read_by_a_connection_option_and_every_one_is_injected():
    assert set(INJECTORS) == {'env'}
    assert set(INJECTORS['env']) == set(FALLBACKS), 'connection options read %s' % sorted(FALLBACKS)


@pytest.mark.parametrize('inputs', [
    {'url': 'https://demo.testpress.in', 'token': 'a-token'},
    {'url': 'https://demo.testpress.in', 'username': 'admin', 'password': 'secret', 'skip_tls_verify': True},
    {'url': 'https://demo.testpress.in', 'token': 'a-token', 'rate_limit': '', 'max_throttle_wait': ''},
    {'url': 'http://10.0.0.5', 'token': 'a-token', 'rate_limit': '12.5', 'max_throttle_wait': '60', 'allow_insecure_http': True},
], ids=['token-only', 'login', 'empty-fields', 'paced'])
def test_a_credential_renders_to_values_the_options_accept(inputs):
    env = injected_env(inputs)
    assert env['TESTPRESS_URL'] == inputs['url']
    assert check_type_bool(env['TESTPRESS_VALIDATE_CERTS']) is not inputs.get('skip_tls_verify', False)
    assert check_type_float(env['TESTPRESS_RATE_LIMIT']) == float(inputs.get('rate_limit') or 0)
    assert check_type_int(env['TESTPRESS_MAX_THROTTLE_WAIT']) == int(inputs.get('max_throttle_wait') or 600)
    assert check_type_bool(env['TESTPRESS_ALLOW_INSECURE_HTTP']) is inputs.get('allow_insecure_http', False)
    for name, field in (('TESTPRESS_USERNAME', 'username'), ('TESTPRESS_PASSWORD', 'password'),
                        ('TESTPRESS_TOKEN', 'token')):
        assert env[name] == inputs.get(field, '')


def test_the_guide_shows_the_files():
    guide = (REPO_ROOT / 'docs' / 'awx.md').read_text(encoding='utf-8')
    blocks = [yaml.safe_load(block.split('\n', 1)[1]) for block in guide.split('```')[1::2] if block.startswith('yaml')]
    assert INPUTS in blocks and INJECTORS in blocks


def test_a_credential_saved_without_touching_a_box_verifies_certificates_and_keeps_to_https():
    env = injected_env({'url': 'https://demo.testpress.in', 'token': 'a-token'})
    assert check_type_bool(env['TESTPRESS_VALIDATE_CERTS']) is True
    assert check_type_bool(env['TESTPRESS_ALLOW_INSECURE_HTTP']) is False
