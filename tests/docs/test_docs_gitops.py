# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""docs/gitops.md says the collection's playbooks/roster.yml and playbooks/audit.yml are its apply.yml and
audit.yml: keep that true.

The ``testpress.lms.testpress_roster`` task of each documented play and of its bundled playbook take the same
options, in check mode alike, and every option whose value is plain data on both sides (after the bundled
playbook's variables, from its ``vars`` and ``vars_files``, are looked up) has the same value. So the two
audits of one roster answer the same question, and an audit answers for its apply.

The guide's CI workflow keeps the apply credential away from every branch: no secret at the top, each job only
the permissions it needs, the apply secret only in the apply job on a push to the default branch, and the
pull-request audit with an audit-only credential, never the branch's own playbooks.
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest
import yaml

from ansible_collections.testpress.lms.tests.harness import REPO_ROOT

GUIDE = REPO_ROOT / 'docs' / 'gitops.md'
PLAYBOOKS = REPO_ROOT / 'playbooks'
ROSTER_MODULE = 'testpress.lms.testpress_roster'
ONE_VARIABLE = re.compile(r'^\{\{\s*(\w+)\s*\}\}$')
TEMPLATED = object()


def documented_play(heading):
    """The plays of the first ``yaml`` block under ``## <heading>`` of the guide."""
    text = GUIDE.read_text(encoding='utf-8')
    section = text.split('\n## %s\n' % heading, 1)
    assert len(section) == 2, '%s has no section "## %s"' % (GUIDE.name, heading)
    block = re.search(r'^```ya?ml\n(.*?)^```', section[1], re.MULTILINE | re.DOTALL)
    assert block, '%s: the section "## %s" has no yaml block' % (GUIDE.name, heading)
    return yaml.safe_load(block.group(1)), {}


def bundled_play(name):
    """The plays of ``playbooks/<name>`` and the variables of their ``vars_files`` and ``vars``."""
    plays = yaml.safe_load((PLAYBOOKS / name).read_text(encoding='utf-8'))
    variables = {}
    for play in plays:
        for path in play.get('vars_files') or []:
            variables.update(yaml.safe_load((PLAYBOOKS / path).read_text(encoding='utf-8')) or {})
        variables.update(play.get('vars') or {})
    return plays, variables


def roster_task(plays, where):
    tasks = [task for play in plays for task in play.get('tasks') or [] if ROSTER_MODULE in task]
    assert len(tasks) == 1, '%s: expected one %s task, found %d' % (where, ROSTER_MODULE, len(tasks))
    return tasks[0]


def value_of(value, variables):
    """The value as data, a lone ``{{ variable }}`` looked up; TEMPLATED when it is a Jinja expression."""
    seen = set()
    while isinstance(value, str):
        match = ONE_VARIABLE.match(value.strip())
        if match and match.group(1) in variables and match.group(1) not in seen:
            seen.add(match.group(1))
            value = variables[match.group(1)]
            continue
        return TEMPLATED if '{{' in value or '{%' in value else value
    return value


@pytest.mark.parametrize('heading, playbook', [('apply.yml', 'roster.yml'), ('audit.yml', 'audit.yml')])
def test_the_documented_play_is_the_bundled_playbook(heading, playbook):
    documented_plays, documented_vars = documented_play(heading)
    bundled_plays, bundled_vars = bundled_play(playbook)
    documented = roster_task(documented_plays, '%s, %s' % (GUIDE.name, heading))
    bundled = roster_task(bundled_plays, 'playbooks/' + playbook)
    where = '%s (%s) and playbooks/%s' % (GUIDE.name, heading, playbook)
    assert bool(documented.get('check_mode')) == bool(bundled.get('check_mode')), '%s: check_mode differs' % where
    documented_args, bundled_args = documented[ROSTER_MODULE], bundled[ROSTER_MODULE]
    only_documented, only_bundled = sorted(set(documented_args) - set(bundled_args)), sorted(set(bundled_args) - set(documented_args))
    assert not (only_documented or only_bundled), '%s: options only in the guide %s, only in the playbook %s' % (
        where, only_documented, only_bundled)
    differences = []
    for option in sorted(documented_args):
        ours = value_of(documented_args[option], documented_vars)
        theirs = value_of(bundled_args[option], bundled_vars)
        if ours is not TEMPLATED and theirs is not TEMPLATED and ours != theirs:
            differences.append('%s: %r in the guide, %r in the playbook' % (option, ours, theirs))
    assert differences == [], '%s differ:\n%s' % (where, '\n'.join(differences))


def documented_workflow():
    """The GitHub Actions workflow of the guide (the ``yaml`` block with ``jobs``)."""
    text = GUIDE.read_text(encoding='utf-8')
    blocks = [yaml.safe_load(block.split('\n', 1)[1]) for block in text.split('```')[1::2] if block.startswith('yaml')]
    (workflow,) = [block for block in blocks if isinstance(block, dict) and 'jobs' in block]
    return workflow


def secrets_of(value):
    return set(re.findall(r'secrets\.(\w+)', yaml.safe_dump(value)))


def test_the_documented_ci_hands_no_branch_the_apply_credential():
    workflow = documented_workflow()
    assert workflow['permissions'] == {} and not secrets_of(workflow.get('env'))
    jobs = workflow['jobs']
    holders = dict((name, job) for name, job in jobs.items() if 'TESTPRESS_PASSWORD' in secrets_of(job))
    assert list(holders) == ['apply']
    assert holders['apply']['environment'] == 'institute' and "github.event_name == 'push'" in holders['apply']['if']
    audit = jobs['audit']
    assert audit['environment'] != 'institute' and secrets_of(audit) <= {'TESTPRESS_URL', 'TESTPRESS_AUDIT_USERNAME',
                                                                         'TESTPRESS_AUDIT_PASSWORD'}
    # The audit runs the default branch's playbooks (pull_request_target); the branch gives its roster file alone.
    assert 'pull_request_target' in workflow[True] and 'pull_request' not in workflow[True]
    checkouts = [step for step in audit['steps'] if str(step.get('uses', '')).startswith('actions/checkout')]
    assert all('head' not in str(step.get('with', {}).get('ref', '')) or step['with'].get('path') for step in checkouts)
    # Only the job that holds no Testpress secret may write to the pull request.
    writers = [name for name, job in jobs.items() if (job.get('permissions') or {}).get('pull-requests') == 'write']
    assert writers and all(not secrets_of(jobs[name]) for name in writers)


def run_of(job):
    return '\n'.join(str(step.get('run', '')) for step in job['steps'])


def test_the_documented_ci_applies_the_plan_the_reviewer_approved():
    """Issue 22: on a push, a plan job (check mode, plan_file, the report in the job summary, the plan as an
    artifact) without the apply credential; the apply job, in the institute environment, applies that artifact."""
    jobs = documented_workflow()['jobs']
    plan, apply = jobs['plan'], jobs['apply']
    assert "github.event_name == 'push'" in plan['if'] and plan['environment'] == 'roster-audit'
    assert 'TESTPRESS_PASSWORD' not in secrets_of(plan) and 'TESTPRESS_AUDIT_PASSWORD' in secrets_of(plan)
    assert 'ansible-playbook audit.yml' in run_of(plan) and '-e plan_file=' in run_of(plan)
    assert '$GITHUB_STEP_SUMMARY' in run_of(plan)
    (upload,) = [step for step in plan['steps'] if str(step.get('uses', '')).startswith('actions/upload-artifact')]
    assert upload['with']['path'].endswith('/plan/roster.plan')
    assert apply['needs'] == 'plan' and apply['environment'] == 'institute'
    (download,) = [step for step in apply['steps'] if str(step.get('uses', '')).startswith('actions/download-artifact')]
    assert download['with']['name'] == upload['with']['name']
    assert 'ansible-playbook apply.yml' in run_of(apply) and '-e plan_file="$RUNNER_TEMP/plan/roster.plan"' in run_of(apply)


def test_the_documented_ci_audits_nightly_and_comments_once_even_on_failure():
    """Issue 23.7: a schedule audits the default branch with fail_on_drift; the comment job runs when the audit
    failed too, with the failure; one comment per pull request, updated in place."""
    workflow = documented_workflow()
    jobs = workflow['jobs']
    assert workflow[True]['schedule'][0]['cron']
    (nightly,) = [job for job in jobs.values() if "github.event_name == 'schedule'" in str(job.get('if'))]
    assert nightly['environment'] == 'roster-audit' and 'TESTPRESS_PASSWORD' not in secrets_of(nightly)
    assert 'ansible-playbook audit.yml' in run_of(nightly) and '-e fail_on_drift=true' in run_of(nightly)
    audit, comment = jobs['audit'], jobs['comment']
    after_audit = audit['steps'][[step.get('id') for step in audit['steps']].index('audit') + 1:]
    assert after_audit and all(step.get('if') == 'always()' for step in after_audit)
    assert 'Roster audit failed' in run_of(audit)
    assert comment['needs'] == 'audit' and 'always()' in comment['if'] and "!= 'skipped'" in comment['if']
    assert '--method PATCH' in run_of(comment) and '<!-- testpress-roster-audit -->' in run_of(comment)


def comment_step(outcome, workdir):
    """Run the audit job's comment step of the guide, as written, in ``workdir`` (the runner's temp directory)."""
    (step,) = [step for step in documented_workflow()['jobs']['audit']['steps']
               if str(step.get('name', '')).startswith('The comment')]
    env = dict(os.environ, RUNNER_TEMP=str(workdir), OUTCOME=outcome, RUN_URL='https://github.example/runs/7')
    subprocess.run(['bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c', step['run']], cwd=str(workdir), env=env,
                   check=True, timeout=60)
    return (workdir / 'comment' / 'comment.md').read_text(encoding='utf-8')


def test_the_comment_of_a_failed_audit_says_why_and_renders_nothing_the_roster_holds(run_playbook, tmp_path):
    roster = tmp_path / 'roster-under-review.yml'
    roster.write_text('- username: asha\n  frist_name: "[x](https://x.example) @team"\n', encoding='utf-8')
    failed = run_playbook('playbooks/audit.yml', extra_vars={'roster_file': str(roster), 'redact': True,
                                                             'report_dir': str(tmp_path / 'reports')},
                          verbosity=0, expect_failure=True)
    (tmp_path / 'audit.log').write_text(failed.stdout, encoding='utf-8')
    comment = comment_step('failure', tmp_path)
    assert comment.startswith('# Roster audit failed\n\nNothing was written to the institute. '
                              "The run's log: https://github.example/runs/7\n\n    ")
    quoted = comment.split('\n\n', 2)[2].rstrip('\n').splitlines()
    assert quoted and all(line.startswith('    ') for line in quoted) and 'frist_name' in comment


def test_the_comment_of_an_audit_that_ran_is_its_report(tmp_path):
    (tmp_path / 'reports').mkdir()
    (tmp_path / 'reports' / 'drift-report.md').write_text('# Roster drift report\n', encoding='utf-8')
    assert comment_step('success', tmp_path) == '# Roster drift report\n'
