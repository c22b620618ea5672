# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The user field table (``_users.USER_FIELDS``) is the one home of the fields: every copy outside the code is
generated from it by ``make docs`` (scripts/field_docs.py) and current, or checked against it here, each failure
naming the file and the field."""

from __future__ import annotations

import ast
import subprocess
import sys

import yaml

from ansible_collections.testpress.lms.plugins.module_utils._entry import entry_argument_spec
from ansible_collections.testpress.lms.plugins.module_utils._users import PERSONAL_OPTIONS, USER_FIELDS
from ansible_collections.testpress.lms.tests.harness import REPO_ROOT

GENERATOR = REPO_ROOT / 'scripts' / 'field_docs.py'


def documentation(module):
    tree = ast.parse((REPO_ROOT / 'plugins' / 'modules' / ('%s.py' % module)).read_text(encoding='utf-8'))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'DOCUMENTATION':
            return yaml.safe_load(node.value.value)
    raise AssertionError('%s has no DOCUMENTATION' % module)


def test_every_generated_block_is_what_make_docs_writes():
    done = subprocess.run([sys.executable, str(GENERATOR), '--check'], capture_output=True, text=True, check=False)
    assert done.returncode == 0, 'stale copies of the field table (run make docs):\n%s%s' % (done.stdout, done.stderr)


def test_a_roster_entry_documents_exactly_its_options():
    """What ansible-test sanity's validate-modules checks, here at once: the roster's users suboptions are the
    entry's argument spec (_entry), the profile fields among them from the table."""
    documented = documentation('testpress_roster')['options']['users']['suboptions']
    spec = entry_argument_spec()
    missing = sorted(set(spec) - set(documented))
    extra = sorted(set(documented) - set(spec))
    assert not missing and not extra, ('plugins/modules/testpress_roster.py: users suboptions lack %s, document '
                                       'unknown %s (run make docs)' % (missing, extra))
    wrong = sorted(option for option in spec if documented[option]['type'] != spec[option]['type'])
    assert wrong == [], 'plugins/modules/testpress_roster.py: users suboptions of the wrong type: %s' % wrong


def test_the_personal_fields_are_the_column_of_the_table_everywhere_they_are_named():
    """The filters' and modules' redact, and docs/audits.md, name exactly the personal fields."""
    assert PERSONAL_OPTIONS == tuple(field.option for field in USER_FIELDS if field.personal)
    texts = {
        'plugins/modules/testpress_roster.py': str(documentation('testpress_roster')['options']['redact']),
        'plugins/modules/testpress_user_info.py': str(documentation('testpress_user_info')['options']['redact']),
        'docs/audits.md': (REPO_ROOT / 'docs' / 'audits.md').read_text(encoding='utf-8'),
    }
    for name in ('drift_report', 'drift_markdown'):
        path = 'plugins/filter/%s.yml' % name
        texts[path] = str(yaml.safe_load((REPO_ROOT / path).read_text(encoding='utf-8'))['DOCUMENTATION']['options']['redact'])
    missing = ['%s: %s' % (path, option) for path, text in texts.items() for option in PERSONAL_OPTIONS
               if option not in text]
    assert missing == [], 'personal fields not named where redact is documented: %s (run make docs)' % missing
