# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The roster's result stays usable at any size: ``changes`` lists the first ``max_changes_listed`` changed
accounts, the rest go to ``changes_file`` (private, whole), and the reports still count them all."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.testpress.lms.plugins.filter.drift import drift_markdown, drift_report
from ansible_collections.testpress.lms.plugins.module_utils import _tasks as tasks
from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError
from ansible_collections.testpress.lms.plugins.module_utils._roster import UserChange
from ansible_collections.testpress.lms.plugins.module_utils._users import UserSpec, plan_present


def created(count):
    changes = []
    for number in range(count):
        spec = UserSpec('student%04d' % number, {'first_name': 'Student', 'city': 'Salem'}, auto_generate_password=True)
        changes.append(UserChange(spec.username, None, spec, plan_present(spec, None), {}, 'create'))
    return changes


def test_past_the_cap_the_result_lists_the_first_counts_all_and_the_file_holds_the_rest(tmp_path):
    changes, path = created(25), str(tmp_path / 'changes.json')
    result = tasks.roster_result(changes, changes, [], max_changes_listed=10, changes_file=path)
    assert [change['username'] for change in result['changes']] == ['student%04d' % number for number in range(10)]
    assert result['summary']['created'] == 25 and result['changes_not_listed'] == 15
    assert result['changes_file'] == path and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path, encoding='utf-8') as handle:
        rest = json.load(handle)
    assert rest == [change.report() for change in changes[10:]]
    assert drift_report(result)['accounts'] == 25 and not drift_report(result)['clean']
    markdown = drift_markdown(result)
    assert '**25 accounts differ**' in markdown and markdown.endswith('… and 15 more accounts: see drift-report.json\n')


def test_within_the_cap_everything_is_listed_and_the_file_says_nothing_is_left(tmp_path):
    changes, path = created(3), tmp_path / 'changes.json'
    path.write_text('["a stale run"]')
    path.chmod(0o644)
    result = tasks.roster_result(changes, changes, [], max_changes_listed=1000, changes_file=str(path))
    assert len(result['changes']) == 3 and result['changes_not_listed'] == 0
    assert json.loads(path.read_text()) == [] and stat.S_IMODE(path.stat().st_mode) == 0o600


def test_without_a_file_the_rest_is_counted_and_zero_lists_none():
    changes = created(4)
    result = tasks.roster_result(changes, changes, [], max_changes_listed=0, changes_file=None)
    assert result['changes'] == [] and result['changes_not_listed'] == 4 and 'changes_file' not in result
    assert drift_report(result)['accounts'] == 4


@pytest.mark.parametrize('limit, name, words', [
    (-1, 'changes.json', 'max_changes_listed must be zero or more, got -1'),
    (10, 'missing/changes.json', 'changes_file: the directory of '),
])
def test_a_bad_cap_or_file_fails_before_anything_is_read(tmp_path, limit, name, words):
    with pytest.raises(InputError, match=words):
        tasks.check_changes_file(str(tmp_path / name), limit)


def test_a_link_in_place_of_the_file_is_refused(tmp_path):
    (tmp_path / 'elsewhere.json').write_text('')
    os.symlink(tmp_path / 'elsewhere.json', tmp_path / 'changes.json')
    changes = created(2)
    with pytest.raises(InputError, match='changes_file: .*changes.json is a symbolic link'):
        tasks.roster_result(changes, changes, [], max_changes_listed=1, changes_file=str(tmp_path / 'changes.json'))
    assert (tmp_path / 'elsewhere.json').read_text() == ''
