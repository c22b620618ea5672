# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ansible-core releases the collection claims are the ones make test runs, and the README says which.

meta/runtime.yml and requirements.txt claim the same oldest release; that release has a leg of make test; the
main venv (constraints.txt) and each leg (Makefile CORE_LEGS, requirements-core-<version>.txt) pin the release
they are named for; the README lists exactly those, each with the Python it is tested on.
"""

from __future__ import annotations

import re
import sys
import yaml

from ansible_collections.testpress.lms.tests.harness import REPO_ROOT


def pinned_core(path):
    """major.minor of the ansible-core a requirements or constraints file pins with ==."""
    [version] = re.findall(r'^ansible-core==(\d+\.\d+)\.\d+\s*$', path.read_text(encoding='utf-8'), re.M)
    return version


def makefile_variable(name):
    [value] = re.findall(r'^%s := (.*)$' % re.escape(name), (REPO_ROOT / 'Makefile').read_text(encoding='utf-8'), re.M)
    return value.split()


def releases_under_test():
    """{ansible-core major.minor: Python major.minor} of the main venv and every leg."""
    releases = {pinned_core(REPO_ROOT / 'constraints.txt'): '%d.%d' % sys.version_info[:2]}
    for leg in makefile_variable('CORE_LEGS'):
        assert pinned_core(REPO_ROOT / ('requirements-core-%s.txt' % leg)) == leg
        [python] = makefile_variable('CORE_PYTHON_%s' % leg)
        releases[leg] = python
    return releases


def as_version(text):
    return tuple(int(part) for part in text.split('.'))


def test_the_oldest_release_claimed_is_tested():
    runtime = yaml.safe_load((REPO_ROOT / 'meta' / 'runtime.yml').read_text(encoding='utf-8'))
    [claimed] = re.findall(r'^>=(\d+\.\d+)\.0$', runtime['requires_ansible'])
    requirements = (REPO_ROOT / 'requirements.txt').read_text(encoding='utf-8')
    assert re.search(r'^ansible-core>=%s\s*$' % re.escape(claimed), requirements, re.M), 'requirements.txt claims another range'
    assert claimed == min(releases_under_test(), key=as_version)
    legs = sorted(REPO_ROOT.glob('requirements-core-*.txt'))
    assert sorted(makefile_variable('CORE_LEGS')) == sorted(path.stem[len('requirements-core-'):] for path in legs)


def test_the_readme_lists_the_tested_releases_and_their_pythons():
    readme = (REPO_ROOT / 'README.md').read_text(encoding='utf-8')
    listed = dict(re.findall(r'(\d+\.\d+) \(Python (\d+\.\d+)\)', readme.split('Tested with ansible-core', 1)[1].split('\n\n')[0]))
    assert listed == releases_under_test()
