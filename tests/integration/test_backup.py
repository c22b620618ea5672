# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``backup: true``, run by the real ansible-playbook against the simulator: a wrong roster applied with a backup,
the backup applied with ``membership: exact``, and the institute found as it was (the simulator's state compared)."""

from __future__ import annotations

import os
import stat

import pytest
import yaml

ROSTER = 'testpress.lms.testpress_roster'


def student(number, **fields):
    entry = {'username': 'bk-%d' % number, 'password': 'Backup-%d-Secret' % number, 'first_name': 'Bina',
             'last_name': 'No %d' % number, 'email': 'bk%d@example.com' % number, 'city': 'Chennai',
             'state_code': 'IN-TN', 'birth_date': '2007-01-%02d' % (number + 1),
             'custom_fields': {'Roll Number': 'R-%d' % number},
             'batches': ['Batch %02d' % (number + 1), 'UPSC'], 'courses': ['Course %02d' % (number + 1)],
             'expires': '2030-06-30'}
    entry.update(fields)
    return entry


def institute(simulator):
    """Every account as the API reads it (its edit time aside), with its batches, their end dates and its courses."""
    state = {}
    for record in simulator.users.values():
        name = record['username']
        account = dict(simulator.user(name))
        account.pop('modified', None)
        state[name] = (account, simulator.user_batch_ids(name), simulator.user_expiries(name), simulator.user_course_ids(name))
    return state


def write_yaml(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


WRONG = [
    student(0, last_name='Wrong', city='Nowhere'),
    student(1, batches=['Batch 09'], expires='2031-01-01'),
    student(2, courses=[]),
    student(3, is_active=False),
    student(4, is_blocked=True, email='wrong@example.com', custom_fields={'Roll Number': 'WRONG'}),
    student(5),
    {'username': 'bk-new', 'password': 'Backup-New-Secret', 'first_name': 'Not', 'batches': ['Batch 10']},
]


@pytest.mark.long
@pytest.mark.core_matrix
def test_a_wrong_roster_applied_with_a_backup_is_undone_by_applying_the_backup(simulator, run_playbook, tmp_path):
    run_playbook([{'name': 'good', ROSTER: {'users': [student(number) for number in range(6)]}}])
    before = institute(simulator)
    wrong = write_yaml(tmp_path / 'rosters' / 'wrong.yml', WRONG)
    task = {'name': 'wrong', ROSTER: {'src': wrong, 'membership': 'exact', 'backup': True}}

    audit = run_playbook([task], check=True)
    assert audit.writes == [] and 'backup_file' not in audit.result('wrong')
    assert not (tmp_path / 'rosters' / 'backups').exists(), 'check mode writes no backup'

    applied = run_playbook([task])
    result = applied.result('wrong')
    assert result['summary']['created'] == 1 and result['summary']['updated'] == 5 and result['applied'] is True
    backup = result['backup_file']
    assert os.path.dirname(backup) == str(tmp_path / 'rosters' / 'backups')
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    with open(backup, encoding='utf-8') as handle:
        text = handle.read()
    entries = yaml.safe_load(text)
    assert sorted(entry['username'] for entry in entries) == ['bk-0', 'bk-1', 'bk-2', 'bk-3', 'bk-4', 'bk-new']
    assert {'username': 'bk-new', 'state': 'absent'} in entries
    assert next(entry for entry in entries if entry['username'] == 'bk-1')['expires'] == '2030-06-30'
    assert 'Backup-' not in text and 'password' not in text.replace('Passwords are not kept', '')
    assert institute(simulator) != before

    restored = run_playbook([{'name': 'restore', ROSTER: {'src': backup, 'membership': 'exact'}}])
    assert restored.result('restore')['summary']['deleted'] == 1
    assert institute(simulator) == before
    again = run_playbook([{'name': 'restore', ROSTER: {'src': backup, 'membership': 'exact'}}])
    assert again.writes == []


def test_testpress_user_backs_up_the_account_it_deletes_and_the_backup_makes_it_again(simulator, run_playbook, tmp_path):
    run_playbook([{'name': 'good', ROSTER: {'users': [student(7)]}}])
    before = institute(simulator)['bk-7']
    gone = run_playbook([{'name': 'delete', 'testpress.lms.testpress_user': {
        'username': 'bk-7', 'state': 'absent', 'backup': True, 'backup_dir': str(tmp_path / 'saved')}}])
    backup = gone.result('delete')['backup_file']
    assert simulator.user('bk-7') is None and os.path.dirname(backup) == str(tmp_path / 'saved')
    run_playbook([{'name': 'restore', ROSTER: {'src': backup, 'membership': 'exact', 'auto_generate_password': True}}])
    account, batches, expiries, courses = institute(simulator)['bk-7']
    old_account, old_batches, old_expiries, old_courses = before
    # Made again: a new id, a new password; its profile, batches, their end dates and courses as they were.
    for key in ('id', 'url', 'batches_url', 'created', 'password_hash', 'batches'):
        account.pop(key, None)
        old_account.pop(key, None)
    assert (account, len(batches), sorted(expiries.values()), len(courses)) == (
        old_account, len(old_batches), sorted(old_expiries.values()), len(old_courses))
