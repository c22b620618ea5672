# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The execution environment definition, checked without a container runtime.

On a temporary copy of the collection: build the tarball as ``make build`` does, run
``ansible-builder create`` (what ``make ee`` runs), then check the build context: the base
image, ansible-core and ansible-runner, the tarball, and -- by running the context's own
galaxy install and introspection steps -- that the collection installs from its requirements
file and brings its Python requirements. The tarball is also listed: nothing of the
development tree (tests, simulator, venvs, build output) may ship.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

from ansible_collections.testpress.lms.tests.harness import REPO_ROOT

BIN = Path(sys.executable).parent
EE_FILE = 'execution-environment.yml'
DEPRECATED_BASE = 'quay.io/ansible/ansible-runner'
# Top-level paths of the repo that only serve development and must stay out of the artifact.
NOT_SHIPPED = ('tests/', 'scripts/', '.venv/', '.build/', '.ansible/', '.git/', '.ci/', 'Makefile',
               'requirements', 'constraints.txt', 'pytest.ini')


def run(command, cwd, env=None):
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, '%s failed:\n%s\n%s' % (' '.join(map(str, command)), done.stdout, done.stderr)
    return done.stdout


def requirement(lines, name):
    """The line of a requirements list that names the package ``name``."""
    for line in lines:
        if re.split(r'[<>=!~; ]', line.strip(), maxsplit=1)[0].lower() == name:
            return line.strip()
    raise AssertionError('%s is not in %s' % (name, lines))


def text_lines(path):
    return [line.strip() for line in path.read_text(encoding='utf-8').splitlines()
            if line.strip() and not line.strip().startswith('#')]


@pytest.fixture(scope='module')
def built(tmp_path_factory):
    """A copy of the collection with its tarball in .build/dist, and the build context made from it."""
    tmp = tmp_path_factory.mktemp('ee')
    copy = tmp / 'ansible_collections' / 'testpress' / 'lms'
    run([sys.executable, REPO_ROOT / 'scripts' / 'copy_tree.py', copy], REPO_ROOT)
    dist = copy / '.build' / 'dist'
    run([BIN / 'ansible-galaxy', 'collection', 'build', '--output-path', dist, copy], copy)
    context = tmp / 'context'
    run([BIN / 'ansible-builder', 'create', '-f', EE_FILE, '-c', context], copy)
    galaxy = yaml.safe_load((copy / 'galaxy.yml').read_text(encoding='utf-8'))
    tarball = dist / ('%s-%s-%s.tar.gz' % (galaxy['namespace'], galaxy['name'], galaxy['version']))
    assert tarball.is_file(), 'ansible-galaxy collection build did not write %s' % tarball
    return {'tmp': tmp, 'copy': copy, 'context': context, 'tarball': tarball, 'galaxy': galaxy,
            'definition': yaml.safe_load((copy / EE_FILE).read_text(encoding='utf-8'))}


def build_file(context):
    """Dockerfile without a container runtime or with docker; Containerfile with podman."""
    for name in ('Containerfile', 'Dockerfile'):
        if (context / name).is_file():
            return (context / name).read_text(encoding='utf-8')
    raise AssertionError('ansible-builder create wrote no Containerfile or Dockerfile in %s' % context)


def test_the_build_file_names_a_maintained_base_image_and_ansible(built):
    definition = built['definition']
    assert definition['version'] == 3
    base = definition['images']['base_image']['name']
    assert not base.startswith(DEPRECATED_BASE), 'the ansible-runner base image is deprecated'
    # A tag that moves (latest, or none) gives another OS on each rebuild: pin a version or a digest.
    assert re.search(r':\d+(\.\d+)+$|@sha256:[0-9a-f]{64}$', base), 'the EE base image is not pinned by version: %s' % base
    text = build_file(built['context'])
    assert 'ARG EE_BASE_IMAGE="%s"' % base in text
    # The EE installs the exact ansible-core and ansible-runner the tests run.
    core = requirement(text_lines(REPO_ROOT / 'constraints.txt'), 'ansible-core')
    runner = requirement(text_lines(REPO_ROOT / 'requirements-test.txt'), 'ansible-runner')
    assert definition['dependencies']['ansible_core']['package_pip'] == core
    assert definition['dependencies']['ansible_runner']['package_pip'] == runner
    refs = re.search(r'ARG ANSIBLE_INSTALL_REFS="([^"]*)"', text).group(1)
    assert core in refs and runner in refs
    python = definition['dependencies']['python_interpreter']['python_path']
    assert 'ARG PYCMD="%s"' % python in text


def test_the_context_installs_the_built_tarball(built):
    context_build = built['context'] / '_build'
    requirements = yaml.safe_load((context_build / 'requirements.yml').read_text(encoding='utf-8'))
    [entry] = requirements['collections']
    assert entry['type'] == 'file'
    # The galaxy stage runs in /build, a copy of _build/: the name is relative to it.
    shipped = context_build / entry['name']
    assert shipped.name == built['tarball'].name, (
        'execution-environment.yml installs %s but galaxy.yml is version %s: update the name'
        % (entry['name'], built['galaxy']['version']))
    assert shipped.read_bytes() == built['tarball'].read_bytes()


def test_the_galaxy_and_introspection_steps_bring_the_python_requirements(built):
    """Run the context's own steps: the galaxy install (as the Dockerfile does, from _build/) and
    the introspection that collects the installed collections' Python requirements."""
    context_build = built['context'] / '_build'
    collections = built['tmp'] / 'ee-collections'
    # Only this path, as in the image: the test session's own collections path already holds testpress.lms.
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections))
    run([BIN / 'ansible-galaxy', 'collection', 'install', '--offline', '-r', 'requirements.yml',
         '--collections-path', collections], context_build, env)
    installed = collections / 'ansible_collections' / 'testpress' / 'lms'
    assert (installed / 'MANIFEST.json').is_file()
    meta = yaml.safe_load((installed / 'meta' / 'execution-environment.yml').read_text(encoding='utf-8'))
    assert meta['dependencies']['python'] == 'meta/ee-requirements.txt'
    found = yaml.safe_load(run([sys.executable, context_build / 'scripts' / 'introspect.py', 'introspect', collections],
                               context_build))
    wanted = text_lines(REPO_ROOT / 'meta' / 'ee-requirements.txt')
    assert wanted and all(any(line.startswith(req) for line in found['python']) for req in wanted), found
    # The controller's venv and the EE ask for the same versions of what the modules import.
    controller = text_lines(REPO_ROOT / 'requirements.txt')
    for req in wanted:
        assert requirement(controller, re.split(r'[<>=!~; ]', req, maxsplit=1)[0].lower()) == req


def test_the_tarball_ships_no_development_files(built):
    with tarfile.open(built['tarball']) as artifact:
        names = artifact.getnames()
    assert 'MANIFEST.json' in names and 'plugins/modules/testpress_user.py' in names
    shipped = [name for name in names
               if name.startswith(NOT_SHIPPED) or name in NOT_SHIPPED or '__pycache__' in name or name.endswith('.pyc')]
    assert shipped == [], 'the collection artifact ships development files: %s' % shipped
