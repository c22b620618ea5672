# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every module renders in ansible-doc and belongs to the action group that module_defaults uses.

(That DOCUMENTATION matches each argument spec is checked by ansible-test sanity's validate-modules.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ansible_collections.testpress.lms.tests.harness import REPO_ROOT

MODULES = sorted(path.stem for path in (REPO_ROOT / 'plugins' / 'modules').glob('testpress_*.py'))


def test_every_module_is_in_the_action_group():
    runtime = yaml.safe_load((REPO_ROOT / 'meta' / 'runtime.yml').read_text(encoding='utf-8'))
    assert sorted(runtime['action_groups']['testpress']) == MODULES


@pytest.fixture(scope='module')
def ansible_doc():
    """Every module rendered by ansible-doc, as text and as JSON: one run of each for all of them."""
    command = [str(Path(sys.executable).parent / 'ansible-doc')] + ['testpress.lms.' + module for module in MODULES]
    shown = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ, ANSIBLE_NOCOLOR='1'), check=False)
    as_json = subprocess.run(command[:1] + ['--json'] + command[1:], capture_output=True, text=True, check=False)
    return shown, as_json


@pytest.mark.parametrize('module', MODULES)
def test_ansible_doc_renders(module, ansible_doc):
    shown, as_json = ansible_doc
    assert shown.returncode == 0 and as_json.returncode == 0, shown.stderr + as_json.stderr
    # Each module's page: from its name to the next module's, or to the end.
    start = shown.stdout.index('> MODULE testpress.lms.%s ' % module)
    end = shown.stdout.find('> MODULE testpress.lms.', start + 1)
    page = shown.stdout[start:end if end > 0 else None]
    assert 'EXAMPLES' in page and 'RETURN VALUES' in page
    assert '[WARNING]' not in shown.stderr and '[DEPRECATION' not in shown.stderr
    doc = json.loads(as_json.stdout)['testpress.lms.' + module]['doc']
    assert doc['version_added'] == '0.1.0'
    assert doc['author'] in ('Testpress LMS collection contributors (@testpress)',
                             ['Testpress LMS collection contributors (@testpress)'])
    assert {'api_url', 'api_token', 'api_username', 'api_password'} <= set(doc['options'])
