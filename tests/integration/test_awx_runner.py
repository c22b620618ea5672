# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""playbooks/audit.yml and playbooks/roster.yml run by ansible-runner, as AWX runs a job, against the simulator.

The private data directory is laid out as AWX lays out a job: ``project/`` (the checked-out project),
``inventory/hosts``, ``env/envvars`` (what the job's credentials inject) and ``env/extravars`` (the job's extra
variables). The connection is docs/awx/credential_type_injectors.yml rendered as AWX renders a credential's
injectors (tests/awx_credential.py). The audit writes nothing; the roster creates the example
institute and its rerun writes nothing; no secret reaches the job's output or its events (AWX stores both).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ansible_collections.testpress.lms.plugins.module_utils._users import PERSONAL_OPTIONS
from ansible_collections.testpress.lms.tests.harness.awx_credential import injected_env
from ansible_collections.testpress.lms.tests.harness import REPO_ROOT

BIN = Path(sys.executable).parent
ADMIN_PASSWORD = 'admin-pass'
INITIAL_PASSWORD = 'First-Login-2026!'
EXAMPLE = ('asha', 'ravi', 'meena', 'kiran')


@pytest.fixture
def job(simulator, tmp_path):
    """``job(name, playbook, extravars)`` runs one AWX-like job with ansible-runner; returns its artifacts dir."""
    data = tmp_path / 'job'
    shutil.copytree(REPO_ROOT / 'playbooks', data / 'project' / 'playbooks',
                    ignore=shutil.ignore_patterns('reports', 'export.*'))
    (data / 'inventory').mkdir()
    (data / 'inventory' / 'hosts').write_text(
        'localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable, encoding='utf-8')
    # The credential as an admin fills it in: a login, the token field left empty, certificates verified.
    credential = {'url': simulator.url, 'username': 'admin', 'password': ADMIN_PASSWORD, 'token': ''}
    envvars = injected_env(credential)
    assert envvars['TESTPRESS_TOKEN'] == '' and envvars['TESTPRESS_VALIDATE_CERTS'] == 'True'
    # A second credential (or the execution environment) gives the first password and the collection.
    envvars.update(TESTPRESS_INITIAL_PASSWORD=INITIAL_PASSWORD, ANSIBLE_COLLECTIONS_PATH=os.environ['ANSIBLE_COLLECTIONS_PATH'],
                   ANSIBLE_NOCOLOR='1', ANSIBLE_LOCALHOST_WARNING='0')
    (data / 'env').mkdir()
    env = dict(os.environ, PATH=os.pathsep.join((str(BIN), os.environ.get('PATH', ''))))
    for name in list(env):
        if name.startswith(('TESTPRESS_', 'ANSIBLE_')):
            del env[name]

    def run(ident, playbook, extravars, more_envvars=None):
        (data / 'env' / 'extravars').write_text(yaml.safe_dump(extravars), encoding='utf-8')
        (data / 'env' / 'envvars').write_text(yaml.safe_dump(dict(envvars, **(more_envvars or {}))), encoding='utf-8')
        done = subprocess.run([str(BIN / 'ansible-runner'), 'run', str(data), '-p', playbook, '--ident', ident],
                              env=env, capture_output=True, text=True, check=False, timeout=600)
        artifacts = data / 'artifacts' / ident
        status = (artifacts / 'status').read_text(encoding='utf-8') if (artifacts / 'status').exists() else None
        assert (done.returncode, status) == (0, 'successful'), '%s\n%s' % (done.stdout, done.stderr)
        output = (artifacts / 'stdout').read_text(encoding='utf-8')
        assert 'PLAY RECAP' in output
        output += ''.join(
            path.read_text(encoding='utf-8') for path in sorted((artifacts / 'job_events').glob('*.json')))
        for secret in (ADMIN_PASSWORD, INITIAL_PASSWORD) + tuple(simulator.tokens):
            assert secret not in output, 'a secret reached the job output or events of %s' % ident
        return artifacts

    return run


def task_result(artifacts, task):
    for path in sorted((artifacts / 'job_events').glob('*.json')):
        event = json.loads(path.read_text(encoding='utf-8'))
        if event.get('event') == 'runner_on_ok' and event['event_data'].get('task') == task:
            return event['event_data']['res']
    raise AssertionError('no result of %r in %s' % (task, artifacts))


@pytest.mark.long
def test_an_audit_then_the_roster_then_a_rerun_as_awx_jobs(simulator, job, tmp_path):
    reports = tmp_path / 'reports'
    audit = job('audit', 'playbooks/audit.yml', {'report_dir': str(reports)})
    assert simulator.writes() == []
    assert json.loads((reports / 'drift-report.json').read_text(encoding='utf-8'))['summary']['created'] == len(EXAMPLE)
    assert task_result(audit, 'Compare the institute with the roster, changing nothing')['changed'] is True

    applied = job('roster', 'playbooks/roster.yml', {})
    assert task_result(applied, 'Bring the institute to the roster')['summary']['created'] == len(EXAMPLE)
    assert all(simulator.check_password(name, INITIAL_PASSWORD) for name in EXAMPLE)

    writes = len(simulator.writes())
    rerun = job('rerun', 'playbooks/roster.yml', {})
    assert len(simulator.writes()) == writes
    assert task_result(rerun, 'Bring the institute to the roster')['changed'] is False


def personal_values_of(roster):
    """The personal values of a roster file's entries (the personal column of the field table)."""
    values = set()
    for entry in yaml.safe_load((REPO_ROOT / 'playbooks' / roster).read_text(encoding='utf-8')):
        for option in PERSONAL_OPTIONS:
            value = entry.get(option)
            values.update(str(item) for item in (value.values() if isinstance(value, dict) else [value or '']))
    return values - {''}


def test_redacted_jobs_keep_every_personal_value_out_of_the_output_and_the_events(simulator, job, tmp_path):
    """redact=true, as docs/awx.md offers it: the audit's and the apply's job output and events, which AWX stores
    and shows to whoever may read the job, hold none of the roster's personal values; the reports are redacted."""
    values = personal_values_of('rosters/example.yml')
    assert {'asha@example.com', '2007-04-12', 'IN-KL', 'Kochi, Ernakulam', '2026-104'} <= values
    reports = tmp_path / 'reports'
    for ident, playbook, extravars in (('audit', 'playbooks/audit.yml', {'report_dir': str(reports), 'redact': True}),
                                       ('apply', 'playbooks/roster.yml', {'redact': True})):
        artifacts = job(ident, playbook, extravars)
        output = (artifacts / 'stdout').read_text(encoding='utf-8') + ''.join(
            path.read_text(encoding='utf-8') for path in sorted((artifacts / 'job_events').glob('*.json')))
        assert sorted(value for value in values if value in output) == [], ident
    report = json.loads((reports / 'drift-report.json').read_text(encoding='utf-8'))
    assert report['redacted'] is True and report['summary']['created'] == len(EXAMPLE)
    assert simulator.user('asha')['email'] == 'asha@example.com'


def test_progress_lines_are_job_events_of_their_task(simulator, job, tmp_path):
    """A long export as an AWX job: its progress lines are in the job's output and are events of the task. A line
    every second (the job's TESTPRESS_PROGRESS_INTERVAL), and each call takes 0.5 s: the reading of the user list
    and the seeded accounts' course lists (6 calls after the login) lasts 3 s, long enough for two lines or more."""
    (tmp_path / 'job' / 'project' / 'export.yml').write_text(yaml.safe_dump([{
        'name': 'Export', 'hosts': 'localhost', 'gather_facts': False, 'tasks': [{
            'name': 'Read every account slowly',
            'testpress.lms.testpress_user_info': {'include': ['courses'], 'concurrency': 1}}]}]), encoding='utf-8')
    simulator.faults['latency'] = 0.5
    artifacts = job('export', 'export.yml', {}, {'TESTPRESS_PROGRESS_INTERVAL': '1'})
    line = 'testpress_user_info [localhost]: reading: '
    assert line in (artifacts / 'stdout').read_text(encoding='utf-8')
    events = [json.loads(path.read_text(encoding='utf-8')) for path in sorted((artifacts / 'job_events').glob('*.json'))]
    carrying = [event for event in events if line in event.get('stdout', '')]
    assert carrying and all(event['event_data'].get('task') == 'Read every account slowly' for event in carrying)
