# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the release artifact is built from: the files git tracks, never an exported roster or a report.

On a git copy of the collection holding an export and a report with students' personal data beside the
tracked files: ``scripts/build.sh`` (``make build``) ships none of them, and ``ansible-galaxy collection
build`` run straight from the work tree (galaxy.yml's build_ignore) ships no roster but the examples and no
report. The example rosters ship in both. ``make build`` refuses a tracked symbolic link that leads out of
the repository (the tarball would ship what it points at), and names each shipped file with uncommitted changes.
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


def run(command, cwd, env=None, expect_failure=False):
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if expect_failure:
        assert done.returncode != 0, '%s passed:\n%s\n%s' % (' '.join(map(str, command)), done.stdout, done.stderr)
        return done.stderr
    assert done.returncode == 0, '%s failed:\n%s\n%s' % (' '.join(map(str, command)), done.stdout, done.stderr)
    return done.stdout


def build(work_tree, name, expect_failure=False):
    """``(tarball, stderr)`` of scripts/build.sh in ``work_tree`` (tarball None when it failed)."""
    build_dir = work_tree.parent / name
    env = dict(os.environ, BUILD_DIR=str(build_dir), PATH=os.pathsep.join((str(BIN), os.environ.get('PATH', ''))))
    done = subprocess.run([str(work_tree / 'scripts' / 'build.sh')], cwd=work_tree, env=env, capture_output=True,
                          text=True, check=False)
    assert (done.returncode != 0) == expect_failure, '%s\n%s' % (done.stdout, done.stderr)
    return (None if expect_failure else next((build_dir / 'dist').glob('testpress-lms-*.tar.gz'))), done.stderr


def shipped_text(tarball, name):
    with tarfile.open(tarball) as artifact:
        return artifact.extractfile(name).read().decode('utf-8')


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
    run(['git', '-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-q', '-m', 'release'], copy)
    for name in UNTRACKED:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_text(PERSONAL, encoding='utf-8')
    return copy


def test_make_build_ships_tracked_files_only(work_tree):
    tarball, warnings = build(work_tree, 'build-output')
    names = shipped(tarball)
    assert set(EXAMPLES) <= names
    assert [name for name in UNTRACKED if name in names] == []
    assert not [name for name in names if name.startswith('playbooks/reports')]
    # A clean tree (untracked files aside) builds without a word.
    assert 'WARNING' not in warnings


@pytest.mark.parametrize('target', ['outside', 'untracked'])
def test_make_build_refuses_a_tracked_link_leading_out_of_the_repository(work_tree, target):
    """A committed link to a file outside the repository (or to an untracked export in it) would ship that file's
    content: the build stops, naming the link, and writes no tarball."""
    secret = work_tree.parent / 'outside-students.csv'
    secret.write_text(PERSONAL, encoding='utf-8')
    link = work_tree / 'playbooks' / 'rosters' / 'current.csv'
    try:
        os.symlink(secret if target == 'outside' else Path('export.yml'), link)
        # Ignored (rosters/*.csv) as a user's roster is: committed on purpose.
        run(['git', 'add', '-f', link], work_tree)
        _tarball, message = build(work_tree, 'build-link-%s' % target, expect_failure=True)
    finally:
        run(['git', 'rm', '-q', '--cached', '--ignore-unmatch', link], work_tree)
        if os.path.lexists(link):
            link.unlink()
    assert 'refusing to build' in message and 'playbooks/rosters/current.csv' in message
    assert ('leads out of the repository' if target == 'outside' else 'which git does not track') in message
    assert 'meena' not in message and not list((work_tree.parent / ('build-link-%s' % target) / 'dist').glob('*.tar.gz'))


def test_make_build_names_each_shipped_file_with_uncommitted_changes(work_tree):
    """The tarball is built from the work tree: an uncommitted edit ships, and the build says so, file by file."""
    readme, makefile = work_tree / 'README.md', work_tree / 'Makefile'
    originals = dict((path, path.read_text(encoding='utf-8')) for path in (readme, makefile))
    try:
        for path in originals:
            path.write_text(originals[path] + '\nan uncommitted line\n', encoding='utf-8')
        tarball, warnings = build(work_tree, 'build-dirty')
    finally:
        for path, text in originals.items():
            path.write_text(text, encoding='utf-8')
    assert 'an uncommitted line' in shipped_text(tarball, 'README.md')
    assert 'WARNING' in warnings and 'README.md (modified)' in warnings and 'not as commit' in warnings
    # The Makefile is not shipped (build_ignore), so its edit is no concern of the artifact.
    assert 'Makefile' not in warnings


def test_a_build_straight_from_the_work_tree_ships_no_roster_but_the_examples(work_tree):
    dist = work_tree.parent / 'galaxy-build'
    run([BIN / 'ansible-galaxy', 'collection', 'build', '--output-path', dist, work_tree], work_tree)
    [tarball] = dist.glob('testpress-lms-*.tar.gz')
    names = shipped(tarball)
    rosters = sorted(name for name in names if name.startswith('playbooks/rosters/'))
    assert rosters == EXAMPLES
    assert not [name for name in names if name.startswith('playbooks/reports')]
