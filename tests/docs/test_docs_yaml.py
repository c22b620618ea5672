# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The YAML in the docs cannot drift from the modules.

Every fenced ```yaml (or ```yml) block of README.md and docs/**/*.md must parse. In it:

- Tasks are the dicts of a play's ``tasks``, ``pre_tasks``, ``post_tasks`` and ``handlers``, of a
  task's ``block``, ``rescue`` and ``always``, and of a top-level list that holds tasks (a list
  whose items have ``hosts`` or ``import_playbook`` is a list of plays; one with an item that has
  ``name``, ``block`` or a dotted key is a list of tasks; any other list, a roster for example, is data).
- A task's module is its one key that is not a task keyword. It must be a fully qualified
  collection name (FQCN): ``testpress.lms.testpress_user``, ``ansible.builtin.debug``.
- A ``testpress.lms`` module must exist in plugins/modules/, and a task may give it only the
  options ``ansible-doc`` lists for it (aliases included); where a block spells out the value
  of a ``dict`` option, or the items of a ``list`` of ``dict`` option, with suboptions, their
  keys are checked against the suboptions the same way. ``ansible.builtin`` modules must exist.
- ``module_defaults`` of a play, block or task: ``group/testpress.lms.testpress`` may set only
  options every module of the group has; ``testpress.lms.X`` only options of X.

A block for a module that DESIGN.md names but that is not written yet is marked by the line
``<!-- requires: testpress_user_info -->`` just before its fence. Such a block must still parse,
and the module must be one of ``PENDING_MODULES``; it is then reported as pending (a warning in the
test summary) instead of failing. Once the module exists, the block is checked like any other.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import yaml
from ansible.playbook.block import Block
from ansible.playbook.handler import Handler

from ansible_collections.testpress.lms.tests.harness import REPO_ROOT

DOCS = sorted([REPO_ROOT / 'README.md'] + list((REPO_ROOT / 'docs').rglob('*.md')))
MODULES = sorted(path.stem for path in (REPO_ROOT / 'plugins' / 'modules').glob('*.py'))
COLLECTION = 'testpress.lms.'
GROUP = 'group/testpress.lms.testpress'
# Modules of DESIGN.md that another change is adding; a `requires:` marker may name only these.
PENDING_MODULES = ('testpress_roster', 'testpress_user_info', 'testpress_token')

TASK_KEYWORDS = set(Block.fattributes) | set(Handler.fattributes) | {'local_action'}
TASK_LISTS = ('tasks', 'pre_tasks', 'post_tasks', 'handlers')
BLOCK_LISTS = ('block', 'rescue', 'always')
FENCE = re.compile(r'^```\s*(\w*)\s*$')
REQUIRES = re.compile(r'^<!--\s*requires:\s*([\w, ]+?)\s*-->$')


class CodeBlock:
    """One fenced YAML block: where it is, its text, and the modules its `requires:` marker names."""

    def __init__(self, path, line, text, requires):
        self.path = path
        self.line = line
        self.text = text
        self.requires = requires

    def __str__(self):
        return '%s:%d' % (self.path.relative_to(REPO_ROOT), self.line)


def yaml_blocks(path):
    blocks, lines = [], path.read_text(encoding='utf-8').splitlines()
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not lines[end].startswith('```'):
            end += 1
        if match.group(1) in ('yaml', 'yml'):
            before = lines[index - 1].strip() if index else ''
            marker = REQUIRES.match(before)
            requires = [name.strip() for name in marker.group(1).split(',')] if marker else []
            blocks.append(CodeBlock(path, index + 1, '\n'.join(lines[index + 1:end]), requires))
        index = end + 1
    return blocks


def is_play(item):
    return isinstance(item, dict) and ('hosts' in item or 'import_playbook' in item or 'ansible.builtin.import_playbook' in item)


def is_task(item):
    return isinstance(item, dict) and ('name' in item or any(key in item for key in BLOCK_LISTS)
                                       or any('.' in str(key) for key in item))


def walk(document):
    """(where, kind, value) for each task (kind 'task') and each module_defaults (kind 'defaults')."""
    found = []

    def tasks(items, where):
        for position, task in enumerate(items or [], 1):
            here = '%s[%d]' % (where, position)
            if not isinstance(task, dict):
                found.append((here, 'error', 'a task must be a dict, got %r' % (task,)))
                continue
            if 'module_defaults' in task:
                found.append((here, 'defaults', task['module_defaults']))
            nested = [key for key in BLOCK_LISTS if key in task]
            for key in nested:
                tasks(task[key], '%s.%s' % (here, key))
            if not nested:
                found.append((here, 'task', task))

    def play(item, where):
        if 'module_defaults' in item:
            found.append((where, 'defaults', item['module_defaults']))
        for key in TASK_LISTS:
            if key in item:
                tasks(item[key], '%s.%s' % (where, key))

    if isinstance(document, list):
        if any(is_play(item) for item in document):
            for position, item in enumerate(document, 1):
                play(item, 'play[%d]' % position)
        elif any(is_task(item) for item in document):
            tasks(document, 'task')
    elif isinstance(document, dict) and any(key in document for key in TASK_LISTS):
        play(document, 'play')
    return found


@pytest.fixture(scope='module')
def module_options():
    """``{module: {option: spec}}`` from one ``ansible-doc --json`` call for every module in the tree."""
    bin_dir = Path(sys.executable).parent
    names = [COLLECTION + name for name in MODULES]
    done = subprocess.run([str(bin_dir / 'ansible-doc'), '--json', '-t', 'module'] + names, capture_output=True, text=True,
                          env=dict(os.environ, ANSIBLE_NOCOLOR='1'), check=False)
    assert done.returncode == 0, 'ansible-doc cannot read the modules\' docs:\n%s' % done.stderr
    docs = json.loads(done.stdout)
    options = dict((name[len(COLLECTION):], docs[name]['doc'].get('options') or {}) for name in names)
    builtin = subprocess.run([str(bin_dir / 'ansible-doc'), '--list', '--json', '-t', 'module', 'ansible.builtin'],
                             capture_output=True, text=True, check=True)
    return {'testpress': options, 'builtin': set(json.loads(builtin.stdout))}


def option_names(options):
    names = set(options)
    for spec in options.values():
        names.update(spec.get('aliases') or [])
    return names


def unknown_options(args, options, where):
    """The keys of ``args`` that are not options, and those of spelled-out suboption values, recursively."""
    problems = []
    by_name = {}
    for name, spec in options.items():
        for alias in [name] + list(spec.get('aliases') or []):
            by_name[alias] = spec
    for key, value in args.items():
        spec = by_name.get(key)
        if spec is None:
            problems.append('%s: unknown option %r (options: %s)' % (where, key, ', '.join(sorted(options))))
            continue
        sub = spec.get('suboptions')
        if not sub:
            continue
        if spec.get('type') == 'dict' and isinstance(value, dict):
            problems += unknown_options(value, sub, '%s.%s' % (where, key))
        elif spec.get('type') == 'list' and isinstance(value, list):
            for position, item in enumerate(value, 1):
                if isinstance(item, dict):
                    problems += unknown_options(item, sub, '%s.%s[%d]' % (where, key, position))
    return problems


def check_task(task, where, known, pending):
    modules = [key for key in task if key not in TASK_KEYWORDS and not str(key).startswith('with_')]
    if len(modules) != 1:
        return ['%s: a task names one module, found %s' % (where, modules or 'none')]
    module = str(modules[0])
    if '.' not in module:
        return ['%s: %r is not a fully qualified collection name (FQCN): write ansible.builtin.%s, testpress.lms.%s, ...'
                % (where, module, module, module)]
    if module.startswith('ansible.builtin.'):
        return [] if module in known['builtin'] else ['%s: there is no module %s' % (where, module)]
    if not module.startswith(COLLECTION):
        return []
    name = module[len(COLLECTION):]
    if name not in known['testpress']:
        if name in pending:
            return []
        return ['%s: testpress.lms has no module %s (plugins/modules/%s.py); if it is one of DESIGN.md being written, '
                'put <!-- requires: %s --> on the line before the fence' % (where, name, name, name)]
    args = task[modules[0]]
    if args is None:
        return []
    if not isinstance(args, dict):
        return ['%s: give %s its options as a dict, not %r' % (where, module, args)]
    return unknown_options(args, known['testpress'][name], '%s %s' % (where, module))


def check_defaults(defaults, where, known, pending):
    if not isinstance(defaults, dict):
        return ['%s: module_defaults must be a dict' % where]
    problems = []
    options = known['testpress']
    shared = set.intersection(*[option_names(spec) for spec in options.values()])
    for key, values in defaults.items():
        if not isinstance(values, dict):
            continue
        if key == GROUP:
            extra = sorted(set(values) - shared)
            if extra:
                problems.append('%s: module_defaults %s sets %s, not an option of every module of the group (shared: %s)'
                                % (where, GROUP, extra, ', '.join(sorted(shared))))
        elif key.startswith(COLLECTION):
            name = key[len(COLLECTION):]
            if name in options:
                problems += unknown_options(values, options[name], '%s module_defaults %s' % (where, key))
            elif name not in pending:
                problems.append('%s: module_defaults names %s, which testpress.lms does not have' % (where, key))
        elif key.startswith('group/'):
            problems.append('%s: there is no action group %s (testpress.lms has %s)' % (where, key, GROUP))
    return problems


ALL_BLOCKS = [block for path in DOCS for block in yaml_blocks(path)]


def test_the_docs_have_yaml_blocks_and_markers_name_only_pending_modules():
    assert len(ALL_BLOCKS) > 5, 'the YAML blocks of the docs were not found'
    for block in ALL_BLOCKS:
        unknown = [name for name in block.requires if name not in PENDING_MODULES]
        assert not unknown, '%s: a requires: marker may name only %s, not %s' % (block, PENDING_MODULES, unknown)


@pytest.mark.parametrize('path', DOCS, ids=[str(path.relative_to(REPO_ROOT)) for path in DOCS])
def test_yaml_blocks_parse_and_name_real_modules_and_options(path, module_options):
    problems = []
    for block in yaml_blocks(path):
        try:
            documents = list(yaml.safe_load_all(block.text))
        except yaml.YAMLError as err:
            problems.append('%s: the YAML does not parse: %s' % (block, err))
            continue
        pending = [name for name in block.requires if name not in module_options['testpress']]
        for name in pending:
            warnings.warn('%s: pending module testpress.lms.%s (marked "requires:"); checked once it exists'
                          % (block, name), UserWarning)
        for document in documents:
            for where, kind, value in walk(document):
                where = '%s %s' % (block, where)
                if kind == 'error':
                    problems.append('%s: %s' % (where, value))
                elif kind == 'task':
                    problems += check_task(value, where, module_options, pending)
                else:
                    problems += check_defaults(value, where, module_options, pending)
    assert problems == [], '\n'.join(problems)
