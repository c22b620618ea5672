# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the release artifact is built from: the files git tracks, never an exported roster or a report.

On a git copy of the collection holding an export and a report with students' personal data beside the
tracked files: ``scripts/build.sh`` (``make build``) ships none of them, and ``ansible-galaxy collection
build`` run straight from the work tree (galaxy.yml's build_ignore) ships no roster but the examples and no
report. The example rosters ship in both.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from ansible_collections.testpress.lms.tests.harness import REPO_ROOT

BIN = Path(sys.executable).parent
EXAMPLES = ['playbooks/rosters/example.csv', 'playbooks/rosters/example.yml']
PERSONAL = 'username,email,phone\nmeena,meena@example.com,+91 98400 00000\n'
# Untracked files a user's runs leave in the work tree; the first is not even ignored by git.
UNTRACKED = ['playbooks/students-2026.csv', 'playbooks/rosters/students.csv', 'playbooks/rosters/export.yml',
             'playbooks/rosters/exam.csv', 'playbooks/rosters/example.csv.bak', 'playbooks/reports/drift-report.md']


def run(command, cwd, env=None):
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, '%s failed:\n%s\n%s' % (' '.join(map(str, command)), done.stdout, done.stderr)
    return done.stdout


def shipped(tarball):
    with tarfile.open(tarball) as artifact:
        return set(artifact.getnames())


@pytest.fixture(scope='module')
def work_tree(tmp_path_factory):
    """A git work tree of the collection (its files tracked) with the untracked personal files beside them."""
    copy = tmp_path_factory.mktemp('build') / 'ansible_collections' / 'testpress' / 'lms'
    run([sys.executable, REPO_ROOT / 'scripts' / 'copy_tree.py', copy], REPO_ROOT)
    run(['git', 'init', '-q', '.'], copy)
    run(['git', 'add', '-A'], copy)
    for name in UNTRACKED:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_text(PERSONAL, encoding='utf-8')
    return copy


def test_make_build_ships_tracked_files_only(work_tree):
    build_dir = work_tree.parent / 'build-output'
    env = dict(os.environ, BUILD_DIR=str(build_dir), PATH=os.pathsep.join((str(BIN), os.environ.get('PATH', ''))))
    run([work_tree / 'scripts' / 'build.sh'], work_tree, env)
    [tarball] = (build_dir / 'dist').glob('testpress-lms-*.tar.gz')
    names = shipped(tarball)
    assert set(EXAMPLES) <= names
    assert [name for name in UNTRACKED if name in names] == []
    assert not [name for name in names if name.startswith('playbooks/reports')]


def test_a_build_straight_from_the_work_tree_ships_no_roster_but_the_examples(work_tree):
    dist = work_tree.parent / 'galaxy-build'
    run([BIN / 'ansible-galaxy', 'collection', 'build', '--output-path', dist, work_tree], work_tree)
    [tarball] = dist.glob('testpress-lms-*.tar.gz')
    names = shipped(tarball)
    rosters = sorted(name for name in names if name.startswith('playbooks/rosters/'))
    assert rosters == EXAMPLES
    assert not [name for name in names if name.startswith('playbooks/reports')]
