# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shipped playbooks, run as a user runs them: apply, rerun, and audit in check mode."""

from __future__ import annotations

DEMO = 'playbooks/demo.yml'
STUDENTS = ('asha', 'ravi', 'meena')


def task_changes(run):
    """Per task name, whether each loop item reported a change."""
    return dict((result['task'], [item['changed'] for item in result['results']]) for result in run.results)


def test_the_demo_as_an_audit_apply_rerun_and_clean_audit(simulator, run_playbook):
    audit = run_playbook(DEMO, check=True, diff=True)
    assert audit.writes == []
    assert all(simulator.user(name) is None for name in STUDENTS)
    assert set(map(tuple, task_changes(audit).values())) == {(True, True, True)}

    applied = run_playbook(DEMO)
    assert set(map(tuple, task_changes(applied).values())) == {(True, True, True)}
    assert [simulator.user(name)['state_code'] for name in STUDENTS] == ['IN-TN', 'IN-KA', 'IN-KL']
    assert len(simulator.user_batch_ids('asha')) == 2 and len(simulator.user_course_ids('ravi')) == 2

    rerun = run_playbook(DEMO)
    assert rerun.writes == [] and not rerun.changed
    clean_audit = run_playbook(DEMO, check=True, diff=True)
    assert clean_audit.writes == [] and not clean_audit.changed
