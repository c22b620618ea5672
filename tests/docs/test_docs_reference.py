# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The committed module reference (docs/modules/) is what `make docs` renders from the plugins now.

scripts/docs.sh runs ``antsibull-docs lint-collection-docs --plugin-docs`` first, so a broken
option reference (``O(nmae)``) fails here too. Rendering is deterministic; the one line compared
loosely is the ``:antsibull-docs: VERSION`` meta line, so a newer antsibull-docs within the
requirements range does not make the reference stale by itself.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from ansible_collections.testpress.lms.tests.harness import REPO_ROOT

COMMITTED = REPO_ROOT / 'docs' / 'modules'
TOOL_VERSION = re.compile(r'^(\s*:antsibull-docs:).*$', re.M)


def pages(directory):
    return dict((path.name, TOOL_VERSION.sub(r'\1 VERSION', path.read_text(encoding='utf-8')))
                for path in sorted(directory.glob('*.rst')))


def test_the_committed_module_reference_is_current_and_lints(tmp_path):
    env = dict(os.environ, BUILD_DIR=str(tmp_path / 'build'),
               PATH=os.pathsep.join((str(Path(sys.executable).parent), os.environ.get('PATH', ''))))
    rendered_dir = tmp_path / 'modules'
    done = subprocess.run(['bash', str(REPO_ROOT / 'scripts' / 'docs.sh'), str(rendered_dir)], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, 'scripts/docs.sh (lint-collection-docs, then render) failed:\n%s\n%s' % (
        done.stdout, done.stderr)
    rendered, committed = pages(rendered_dir), pages(COMMITTED)
    assert 'index.rst' in rendered
    for path in sorted((REPO_ROOT / 'plugins' / 'modules').glob('*.py')):
        assert '%s_module.rst' % path.stem in rendered
    stale = sorted(name for name in set(rendered) | set(committed) if rendered.get(name) != committed.get(name))
    assert stale == [], 'docs/modules/ is stale (%s): run `make docs` and commit docs/modules/' % ', '.join(stale)
