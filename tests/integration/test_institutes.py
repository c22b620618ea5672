# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many institutes at once: three simulators are three institutes, the inventory's three hosts, and the shipped
roster.yml and audit.yml run across them in one ansible-playbook with forks. Each converges on its own roster,
and none sees another's writes."""

from __future__ import annotations

import sys

import pytest
import yaml

from ansible_collections.testpress.lms.tests.simulator import Simulator

INSTITUTES = ('north', 'south', 'east')
NO_ENVIRONMENT = {'TESTPRESS_URL': None, 'TESTPRESS_USERNAME': None, 'TESTPRESS_PASSWORD': None,
                  'TESTPRESS_INITIAL_PASSWORD': 'First-Login-2026!'}


@pytest.fixture
def institutes(simulator):
    """The session's simulator and two more, by institute name."""
    others = [Simulator().start() for _name in INSTITUTES[1:]]
    yield dict(zip(INSTITUTES, [simulator] + others))
    for other in others:
        other.stop()


def roster_of(name):
    return [{'username': '%s-%02d' % (name, number), 'first_name': name.title(), 'last_name': str(number),
             'email': '%s%02d@example.com' % (name, number), 'batches': ['Batch %02d' % (number + 1)],
             'courses': ['TD']} for number in range(5)]


@pytest.mark.core_matrix
def test_one_play_over_three_institutes_converges_each_on_its_own_roster(institutes, run_playbook, tmp_path):
    hosts = {}
    for name, sim in institutes.items():
        roster_file = tmp_path / ('%s.yml' % name)
        roster_file.write_text(yaml.safe_dump(roster_of(name)))
        hosts[name] = {'testpress_url': sim.url, 'testpress_username': 'admin', 'testpress_password': 'admin-pass',
                       'testpress_roster_file': str(roster_file)}
    inventory = tmp_path / 'institutes.yml'
    inventory.write_text(yaml.safe_dump({'institutes': {
        'vars': {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}, 'hosts': hosts}}))
    starts = dict((name, len(sim.log)) for name, sim in institutes.items())

    applied = run_playbook('playbooks/roster.yml', inventory=inventory, forks=3, env=NO_ENVIRONMENT,
                           extra_vars={'testpress_institutes': 'institutes'})
    summaries = dict((result['_host'], result['summary']) for result in applied.results
                     if result['task'] == 'Bring the institute to the roster')
    assert summaries == dict((name, dict(created=5, updated=0, deleted=0, deactivated=0, unchanged=0, failed=0))
                             for name in INSTITUTES)
    for name, sim in institutes.items():
        students = sorted(username for username in (record['username'] for record in sim.users.values())
                          if '-' in username)
        assert students == ['%s-%02d' % (name, number) for number in range(5)]
        writes = [entry for entry in sim.log[starts[name]:] if entry['method'] in ('POST', 'PUT', 'DELETE')
                  and entry['path'] != '/api/v2.5/auth-token/']
        created = [entry['body']['username'] for entry in writes if entry['path'] == '/api/v2.5/admin/users/']
        # Per student: the create (carrying its batch, as the API takes batches by name) and the course add.
        assert sorted(created) == students and len(writes) == 10

    report_dir = tmp_path / 'reports'
    before_audit = dict((name, len(sim.log)) for name, sim in institutes.items())
    audit = run_playbook('playbooks/audit.yml', inventory=inventory, forks=3, env=NO_ENVIRONMENT,
                         extra_vars={'testpress_institutes': 'institutes', 'report_dir': str(report_dir),
                                     'fail_on_drift': True})
    assert not [result for result in audit.results if result['failed']]
    for name, sim in institutes.items():
        assert (report_dir / name / 'drift-report.md').read_text(encoding='utf-8').startswith(
            '# Roster drift report\n\n**No drift**')
        assert not [entry for entry in sim.log[before_audit[name]:] if entry['method'] in ('PUT', 'DELETE')
                    or entry['method'] == 'POST' and entry['path'] != '/api/v2.5/auth-token/']
