# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""docs/architecture.md's "How to add a user field", followed in a scratch copy of the tree: the table row, the
fragment's entry, the simulator's line, then the field part of ``make docs``. Before ``make docs`` the docs check
names the stale file and the new field; after it, a light form of the unit and docs checks passes, and the
simulator takes and reads the field back (kept cheap: it runs in make test)."""

from __future__ import annotations

import os
import subprocess
import sys

from ansible_collections.testpress.lms.tests.harness import REPO_ROOT
from ansible_collections.testpress.lms.tests.harness.processes import SESSION_VARIABLE

GUIDE = REPO_ROOT / 'docs' / 'architecture.md'
ROW = "UserField('guardian_email', EMAIL, personal=True)"
SIMULATOR_LINE = '"guardian_email": ("email", "")'
FRAGMENT = '''  guardian_email:
    description:
      - A parent's or guardian's email address. Compared without regard to case.
    type: str
'''
# What the copy's own tests check of the new field: the simulator stores and shows it, the table reads it.
SIMULATOR_TEST = '''
from ansible_collections.testpress.lms.plugins.module_utils._redact import redact
from ansible_collections.testpress.lms.plugins.module_utils._users import current_profile
from ansible_collections.testpress.lms.tests.simulator import Simulator


def test_the_simulator_takes_and_shows_the_new_field():
    simulator = Simulator()
    simulator.add_user('ward', guardian_email='Parent@Example.com')
    assert current_profile(simulator.user('ward'))['guardian_email'] == 'Parent@Example.com'
    assert redact({'guardian_email': 'Parent@Example.com'}) == {'guardian_email': '(redacted)'}
'''
# The checks a contributor runs: the table's unit tests, the CSV fixtures built from it, the docs' own checks.
CHECKS = ['tests/unit/plugins/module_utils/test_users.py', 'tests/unit/plugins/module_utils/test_redact.py',
          'tests/unit/plugins/module_utils/test_new_field.py', 'tests/unit/plugins/filter/test_roster_csv.py',
          'tests/docs/test_docs_fields.py', '-k', 'not hypothesis and (full or every or export or field or table or redact '
          'or personal or documents or generated)']


def insert_before(path, anchor, text):
    content = path.read_text(encoding='utf-8')
    assert content.count(anchor) == 1, '%s: %r is not where the guide says' % (path, anchor)
    path.write_text(content.replace(anchor, text + anchor), encoding='utf-8')


def run(command, cwd):
    # A session marker of its own: the copy's pytest, when it ends, ends every process carrying its marker, and
    # with this session's it would end the playbook runs of this session's other workers.
    env = dict((name, value) for name, value in os.environ.items() if name != SESSION_VARIABLE)
    return subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_a_field_added_as_the_guide_says_needs_nothing_else(tmp_path):
    guide = GUIDE.read_text(encoding='utf-8')
    assert ROW in guide and SIMULATOR_LINE in guide and 'user_profile.py' in guide and '`make docs`' in guide
    copy = tmp_path / 'ansible_collections' / 'testpress' / 'lms'
    copied = run([sys.executable, REPO_ROOT / 'scripts' / 'copy_tree.py', copy], REPO_ROOT)
    assert copied.returncode == 0, copied.stderr

    insert_before(copy / 'plugins' / 'module_utils' / '_users.py', "    UserField('custom_fields', CUSTOM", '    %s,\n' % ROW)
    insert_before(copy / 'plugins' / 'doc_fragments' / 'user_profile.py', '  custom_fields:\n', FRAGMENT)
    insert_before(copy / 'tests' / 'simulator' / 'tables.py', '"custom_fields": ("custom", {}),', SIMULATOR_LINE + ', ')
    (copy / 'tests' / 'unit' / 'plugins' / 'module_utils' / 'test_new_field.py').write_text(SIMULATOR_TEST, encoding='utf-8')

    stale = run([sys.executable, copy / 'scripts' / 'field_docs.py', '--check'], copy)
    assert stale.returncode != 0 and 'plugins/modules/testpress_roster.py' in stale.stderr
    assert 'guardian_email' in stale.stderr and 'docs/audits.md' in stale.stderr

    written = run([sys.executable, copy / 'scripts' / 'field_docs.py'], copy)
    assert written.returncode == 0, written.stderr
    assert 'guardian_email' in (copy / 'docs' / 'audits.md').read_text(encoding='utf-8')

    checks = run([sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider', '-n', '0', '-q'] + CHECKS, copy)
    assert checks.returncode == 0, checks.stdout[-4000:] + checks.stderr[-2000:]
    assert ' passed' in checks.stdout and ' failed' not in checks.stdout
