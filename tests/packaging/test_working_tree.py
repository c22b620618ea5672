# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``make`` checks the working tree's collection, whatever copy of it is installed for the user.

After the getting-started guide's ``ansible-galaxy collection install``, a copy of the collection sits in
``~/.ansible/collections``, Ansible's default collections path. ``make lint`` must not check that copy in
place of the tree (ansible-lint warned "Another version of 'testpress.lms' … only the first one will be
used" and used the installed one). Here a different copy (another version, a module that takes another
option) is installed into a temporary HOME, and ``make lint`` runs in a git copy of the tree.
"""

from __future__ import annotations

import os
import subprocess
import sys

from ansible_collections.testpress.lms.tests.harness import REPO_ROOT


def run(command, cwd, env=None):
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True,
                          check=False)
    return done.returncode, done.stdout + done.stderr


def test_make_lint_checks_the_working_tree_not_the_copy_installed_in_home(tmp_path):
    tree = tmp_path / 'ansible-collection-lms'
    installed = tmp_path / 'home' / '.ansible' / 'collections' / 'ansible_collections' / 'testpress' / 'lms'
    for copy in (tree, installed):
        assert run([sys.executable, REPO_ROOT / 'scripts' / 'copy_tree.py', copy], REPO_ROOT)[0] == 0
    galaxy = installed / 'galaxy.yml'
    galaxy.write_text(galaxy.read_text(encoding='utf-8').replace('\nversion: ', '\nversion: 9.9.9\nold_version: '),
                      encoding='utf-8')
    module = installed / 'plugins' / 'modules' / 'testpress_user.py'
    module.write_text(module.read_text(encoding='utf-8').replace(
        "username=dict(type='str', required=True),",
        "username=dict(type='str', required=True), installed_copy_only=dict(type='str', required=True),"),
        encoding='utf-8')
    (tree / '.venv').symlink_to((REPO_ROOT / '.venv').resolve(), target_is_directory=True)
    for args in (['init', '-q'], ['add', '-A']):
        assert run(['git'] + args, tree)[0] == 0
    env = dict((name, value) for name, value in os.environ.items() if not name.startswith(('ANSIBLE_', 'TESTPRESS_')))
    env['HOME'] = str(tmp_path / 'home')
    # -o venv: the shared venv is made; make must not reinstall it because the copy's files are newer.
    rc, output = run(['make', '-o', 'venv', 'lint', 'LINT_ARGS=playbooks/provision.yml'], tree, env)
    assert rc == 0, output
    assert 'Another version' not in output and str(installed.parent.parent.parent) not in output, output
