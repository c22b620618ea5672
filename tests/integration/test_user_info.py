# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""testpress.lms.testpress_user_info: exports in the roster's shape, read in as few calls as the API allows,
and the round trip export -> testpress_roster that changes nothing."""

from __future__ import annotations

import collections

import pytest
import yaml

MODULE = 'testpress.lms.testpress_user_info'
USERS = '/api/v2.5/admin/users/'


def info(name='info', **args):
    return {'name': name, MODULE: args}


@pytest.mark.core_matrix
def test_one_user_by_username_email_and_id_in_the_shape_of_a_roster_entry(simulator, run_playbook):
    run = run_playbook([info('by name', username='john', include=['batches', 'courses', 'expires']),
                        info('by email', email='JOHN@example.com'),
                        info('by id', user_id=1882),
                        info('nobody', user_id=99999),
                        info('search', search='john')], check=True)
    john = run.result('by name')['users']
    assert john == [{
        'username': 'john', 'first_name': 'John', 'last_name': 'Smith', 'email': 'john@example.com',
        'birth_date': '1994-07-03', 'city': 'Chennai', 'state_code': 'IN-TN', 'phone': '9043570576',
        'is_active': True, 'is_blocked': False, 'custom_fields': {'Roll Number': 'R-001'},
        'batches': ['UPSC', 'UPSC Morning Batch'], 'courses': ['Master of Business Administration'],
        'expires': '2030-01-31',
    }]
    assert run.result('by email')['users'][0]['username'] == 'john'
    assert run.result('by id')['users'][0]['username'] == 'john'
    assert run.result('nobody')['users'] == [] and run.result('nobody')['count'] == 0
    assert [user['username'] for user in run.result('search')['users']] == ['jdoe', 'john', 'johnny']
    assert not run.changed and run.writes == []
    assert 'password_hash' not in run.stdout


def test_2000_users_with_batches_and_courses_cost_one_read_per_page_and_one_per_user(simulator, run_playbook):
    for number in range(1995):
        simulator.add_user('bulk-%04d' % number, batches=['Batch %02d' % (number % 30 + 1)])
    run = run_playbook([info(include=['batches', 'courses'])])
    assert run.result('info')['count'] == 2000
    reads = collections.Counter(entry['path'] if entry['path'] == USERS else entry['path'].split('/')[-2]
                                for entry in run.log if entry['method'] == 'GET')
    assert reads == {USERS: 100, 'courses': 2000}
    assert run.writes == []


@pytest.mark.parametrize('state_format, date_format', [('name', 'dmy'), ('code', 'iso')])
def test_an_export_applied_by_the_roster_changes_nothing(simulator, run_playbook, state_format, date_format, trap_users):
    trap_users()
    simulator.state_format, simulator.date_format = state_format, date_format
    export = run_playbook([info(include=['batches', 'courses', 'expires'])]).result('info')['users']
    many = [user for user in export if user['username'] == 'many'][0]
    assert len(many['batches']) == 25 and len(many['courses']) == 21 and many['state_code'] == 'IN-OD'
    ascii_user = [user for user in export if user['username'] == 'ascii'][0]
    assert sorted(item for item in ascii_user['batches'] if isinstance(item, int)) == ascii_user['batches'][-1:]

    applied = run_playbook([{'name': 'apply', 'testpress.lms.testpress_roster': {'users': export, 'membership': 'exact'}}])
    assert applied.writes == [] and applied.result('apply')['changed'] is False
    assert applied.result('apply')['summary']['unchanged'] == len(export)


@pytest.mark.core_matrix
def test_the_examples_run_and_the_export_applies_with_no_change(simulator, run_playbook, module_examples, tmp_path):
    (tmp_path / 'rosters').mkdir()
    playbook = tmp_path / 'examples.yml'
    playbook.write_text(yaml.safe_dump([{'name': 'examples', 'hosts': 'localhost', 'gather_facts': False,
                                         'tasks': module_examples('testpress_user_info')}], sort_keys=False))
    variables = {'testpress_url': simulator.url, 'testpress_admin': 'admin', 'testpress_admin_password': 'admin-pass'}
    run = run_playbook(playbook, extra_vars=variables)
    assert run.writes == [] and run.result('Look one student up by email')['count'] == 0
    export = yaml.safe_load((tmp_path / 'rosters' / 'export.yml').read_text(encoding='utf-8'))
    assert [entry['username'] for entry in export] == sorted(['admin', 'student0', 'john', 'johnny', 'jdoe'])
    applied = run_playbook([{'name': 'apply', 'testpress.lms.testpress_roster': {'users': export, 'membership': 'exact'}}])
    assert applied.writes == [] and not applied.changed
