# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""testpress_roster's ``src`` and testpress_user_info's ``dest``: roster files read and written on the
controller by the action plugins, through ansible-playbook against the simulator."""

from __future__ import annotations

import json
import os
import stat

import pytest
import yaml

from ansible_collections.testpress.lms.tests.harness.playbook import run_cases

ROSTER = 'testpress.lms.testpress_roster'
INFO = 'testpress.lms.testpress_user_info'
STUDENTS = [
    {'username': 'asha', 'password': 'Asha-First-2026', 'first_name': 'Asha', 'email': 'asha@example.com',
     'birth_date': '2007-04-12', 'state_code': 'IN-TN', 'batches': ['UPSC Morning Batch'],
     'courses': ['Master of Business Administration']},
    {'username': 'ravi', 'password': 'Ravi-First-2026', 'first_name': 'Ravi', 'email': 'ravi@example.com',
     'custom_fields': {'Roll Number': '2026-104'}, 'batches': ['NEET Morning Batch'], 'expires': '2031-03-31'},
]
CSV = ('username,password,first_name,email,birth_date,state_code,custom_fields.Roll Number,batches,courses,expires\n'
       'asha,Asha-First-2026,Asha,asha@example.com,2007-04-12,IN-TN,,UPSC Morning Batch,Master of Business Administration,\n'
       'ravi,Ravi-First-2026,Ravi,ravi@example.com,,,2026-104,NEET Morning Batch,,2031-03-31\n')


def write(path, kind, entries=None):
    entries = STUDENTS if entries is None else entries
    if kind == 'csv':
        path.write_text(CSV, encoding='utf-8')
    elif kind == 'json':
        path.write_text(json.dumps(entries), encoding='utf-8')
    else:
        path.write_text(yaml.safe_dump(entries, sort_keys=False), encoding='utf-8')
    return path


# The ansible-core legs (core_matrix) run YAML and CSV, whose reading goes through the leg's PyYAML and the
# collection's CSV filters; JSON is Python's json module on every core, and what the leg's ansible-core does with
# the rows read (the action plugin, the module's arguments) is the same as for the other two.
FORMATS_ON_EVERY_CORE = [pytest.param('yml', marks=pytest.mark.core_matrix), 'json', pytest.param('csv', marks=pytest.mark.core_matrix)]


def roster(src, **options):
    return {'name': 'roster', ROSTER: dict(options, src=str(src)), 'register': 'out'}


def test_a_roster_file_reaches_the_module_as_a_file_of_checked_entries_not_as_its_arguments(
        simulator, run_playbook, tmp_path):
    """The task's temporary directory kept (ANSIBLE_KEEP_REMOTE_FILES) to look into: the module's payload holds no
    entry, and the entries file beside it holds each checked entry on a line."""
    src = write(tmp_path / 'roster.csv', 'csv')
    remote_tmp = tmp_path / 'remote-tmp'
    applied = run_playbook([roster(src)], env={'ANSIBLE_KEEP_REMOTE_FILES': '1', 'ANSIBLE_REMOTE_TMP': str(remote_tmp)})
    assert applied.result('roster')['summary']['created'] == 2 and simulator.check_password('ravi', 'Ravi-First-2026')
    payloads = list(remote_tmp.glob('*/AnsiballZ_testpress_roster.py'))
    entries_files = list(remote_tmp.glob('*/testpress-roster-entries.jsonl'))
    assert len(payloads) == 1 and entries_files == [payloads[0].parent / 'testpress-roster-entries.jsonl']
    payload = payloads[0].read_text(encoding='utf-8')
    assert 'asha' not in payload and 'Asha-First-2026' not in payload and 'testpress-roster-entries.jsonl' in payload
    assert stat.S_IMODE(entries_files[0].stat().st_mode) == 0o600
    lines = entries_files[0].read_text(encoding='utf-8').splitlines()
    assert [json.loads(line) for line in lines] == [
        {'username': 'asha', 'password': 'Asha-First-2026', 'first_name': 'Asha', 'email': 'asha@example.com',
         'birth_date': '2007-04-12', 'state_code': 'IN-TN', 'batches': ['UPSC Morning Batch'],
         'courses': ['Master of Business Administration']},
        {'username': 'ravi', 'password': 'Ravi-First-2026', 'first_name': 'Ravi', 'email': 'ravi@example.com',
         'custom_fields': {'Roll Number': '2026-104'}, 'batches': ['NEET Morning Batch'], 'courses': [],
         'expires': '2031-03-31'}]
    assert applied.result('roster')['invocation']['module_args']['src'] == str(src)


def test_an_async_task_reads_its_roster_file_entries_in_the_background(simulator, run_playbook, tmp_path):
    """``async`` runs the module after the action has returned: the entries file must outlive the action."""
    src = write(tmp_path / 'roster.json', 'json')
    task = dict(roster(src), **{'async': 60, 'poll': 1})
    applied = run_playbook([task])
    assert applied.result('roster')['summary']['created'] == 2 and simulator.check_password('asha', 'Asha-First-2026')
    assert simulator.user('ravi')['custom_fields'] == {'Roll Number': '2026-104'}


@pytest.mark.parametrize('kind', FORMATS_ON_EVERY_CORE)
def test_src_applies_a_roster_file_then_reruns_with_zero_writes(simulator, run_playbook, tmp_path, kind):
    src = write(tmp_path / ('roster.' + kind), kind)
    applied = run_playbook([roster(src)])
    assert applied.result('roster')['summary']['created'] == 2
    assert simulator.check_password('asha', 'Asha-First-2026')
    assert simulator.user('ravi')['custom_fields'] == {'Roll Number': '2026-104'}
    assert set(simulator.user_expiries('ravi').values()) == {'2031-03-31'}
    # The result names the file, not the thousands of entries it may hold (ansible-core 2.21 reports no invocation).
    invocation = applied.result('roster').get('invocation', {'module_args': {'src': str(src)}})
    assert invocation['module_args']['src'] == str(src) and 'users' not in invocation['module_args']

    # The rerun, then the audit (check mode, with diff), in one run: neither writes nor changes anything.
    rerun = run_playbook([dict(roster(src), name='rerun'), dict(roster(src), name='audit', check_mode=True, diff=True)])
    assert rerun.writes == [] and not rerun.changed
    assert [result['task'] for result in rerun.results] == ['rerun', 'audit']


def test_a_relative_src_is_found_as_templates_src_is(simulator, run_playbook, tmp_path):
    playbook_dir = tmp_path / 'project'
    (playbook_dir / 'files').mkdir(parents=True)
    (playbook_dir / 'rosters').mkdir()
    write(playbook_dir / 'files' / 'in-files.yml', 'yml', STUDENTS[:1])
    write(playbook_dir / 'rosters' / 'beside.json', 'json', STUDENTS[1:])
    play = [{'name': 'relative', 'hosts': 'localhost', 'gather_facts': False,
             'module_defaults': {'group/testpress.lms.testpress': {'api_url': simulator.url, 'api_username': 'admin'}},
             'tasks': [roster('in-files.yml'), roster('rosters/beside.json')]}]
    playbook = playbook_dir / 'play.yml'
    playbook.write_text(yaml.safe_dump(play, sort_keys=False), encoding='utf-8')
    run = run_playbook(playbook)
    assert [result['summary']['created'] for result in run.results] == [1, 1]
    assert simulator.user('asha') and simulator.user('ravi')


def test_file_values_are_not_templated(simulator, run_playbook, tmp_path):
    entry = dict(STUDENTS[0], first_name="{{ lookup('ansible.builtin.env', 'HOME') }}")
    src = write(tmp_path / 'roster.yml', 'yml', [entry])
    run_playbook([roster(src)])
    assert simulator.user('asha')['first_name'] == "{{ lookup('ansible.builtin.env', 'HOME') }}"


@pytest.mark.core_matrix
def test_a_bad_csv_row_is_named_by_file_and_row_and_nothing_is_written(simulator, run_playbook, tmp_path):
    src = tmp_path / 'roster.csv'
    src.write_text(CSV + 'meena,Meena-Secret-99,Meena,meena@example.com,,,,No Such Batch,,\n', encoding='utf-8')
    run = run_playbook([roster(src)], expect_failure=True)
    msg = run.result('roster')['msg']
    assert run.writes == []
    assert '%s, row 4 (meena)' % src in msg and "No Such Batch" in msg and 'users[' not in msg
    assert 'Meena-Secret-99' not in run.stdout


def test_a_bad_yaml_entry_is_named_by_entry_and_line(simulator, run_playbook, tmp_path):
    src = write(tmp_path / 'roster.yml', 'yml', STUDENTS + [{'username': 'meena', 'email': 'not-an-address'}])
    run = run_playbook([roster(src)], expect_failure=True)
    msg = run.result('roster')['msg']
    assert run.writes == []
    assert '%s, entry 3 at line ' % src in msg and '(meena)' in msg and 'users[' not in msg


BROKEN_YAML = [
    ('- username: asha\n  first_name: [unclosed\n', 'not valid YAML'),
    ('username: asha\n', 'holds a list of entries'),
    ('', 'an empty document'),
]


@pytest.fixture(scope='module')
def broken_yaml_run(run_playbook_shared, tmp_path_factory):
    """Each file of BROKEN_YAML applied by a task of one run: the files, and the run."""
    files = []
    for index, (content, _expected) in enumerate(BROKEN_YAML):
        files.append(tmp_path_factory.mktemp('broken-%d' % index) / 'roster.yml')
        files[-1].write_text(content, encoding='utf-8')
    return files, run_cases(run_playbook_shared, [roster(src) for src in files], failing=True)


@pytest.mark.parametrize('index', range(len(BROKEN_YAML)))
def test_a_broken_yaml_file_fails_naming_it_and_not_its_content(broken_yaml_run, index):
    files, run = broken_yaml_run
    result = run.result('case %d' % index)
    assert result['failed'] is True
    assert run.writes == [] and str(files[index]) in result['msg'] and BROKEN_YAML[index][1] in result['msg']


def test_a_yaml_error_does_not_quote_the_line(simulator, run_playbook, tmp_path):
    src = tmp_path / 'roster.yml'
    src.write_text('- username: asha\n  password: Hunter2-prod: oops\n', encoding='utf-8')
    run = run_playbook([roster(src)], expect_failure=True)
    assert 'line 2' in run.result('roster')['msg'] and 'Hunter2-prod' not in run.stdout


def test_src_and_users_are_mutually_exclusive_and_the_file_must_exist(simulator, run_playbook, tmp_path):
    src = write(tmp_path / 'roster.yml', 'yml')
    run = run_playbook([dict(roster(src), name='both', ignore_errors=True, **{ROSTER: {'src': str(src), 'users': STUDENTS}}),
                        dict(roster(tmp_path / 'nowhere.yml'), name='missing', ignore_errors=True),
                        dict(roster(write(tmp_path / 'roster.txt', 'yml')), name='other', ignore_errors=True)])
    both, missing, other = run.result('both'), run.result('missing'), run.result('other')
    assert both['failed'] and missing['failed'] and other['failed']
    assert 'mutually exclusive' in both['msg']
    assert 'nowhere.yml is not found' in missing['msg']
    assert '.yml, .yaml, .json or .csv' in other['msg']
    assert run.writes == []


def first_block(stdout, task='roster'):
    """What a person reads first of a failed task: from its banner to the first blank line (on ansible-core 2.19+
    the ``[ERROR]: Task failed: ...`` block, on 2.16 the ``fatal:`` line)."""
    after = stdout.split('TASK [%s]' % task, 1)[1].split('\n', 1)[1].lstrip('\n')
    block = after.split('\n\n', 1)[0]
    if block.startswith('fatal:'):
        # 2.16 prints the result as JSON on one line: the message is read there with its line breaks as "\n".
        return json.loads(block.split(' => ', 1)[1])['msg']
    return block


@pytest.mark.core_matrix
def test_keys_and_types_ansible_rejects_are_the_collection_s_own_messages_named_by_row(simulator, run_playbook, tmp_path):
    bad = [{'username': 'meena', 'frist_name': 'Meena'}, {'username': 'kiran', 'is_active': 'Kiran-Secret-7'},
           {'username': 'leela', 'state': 'ABSENT'}]
    src = write(tmp_path / 'roster.json', 'json', STUDENTS + bad)
    run = run_playbook([roster(src)], expect_failure=True, verbosity=0)
    msg = run.result('roster')['msg']
    assert run.writes == []
    assert msg == ('2 problems in the roster; nothing was changed:\n'
                   '- %s, entry 3 (meena): not a roster entry key: frist_name (did you mean first_name?)\n'
                   '- %s, entry 4 (kiran): is_active: not a boolean (true/false)' % (src, src))
    assert msg.split('\n', 1)[1] in first_block(run.stdout)
    assert 'Unsupported parameters' not in run.stdout and 'Kiran-Secret-7' not in run.stdout


@pytest.mark.core_matrix
def test_a_misspelt_key_in_the_task_s_own_users_is_the_collection_s_message(simulator, run_playbook):
    run = run_playbook([{'name': 'roster', ROSTER: {'users': [{'username': 'asha', 'password': 'Asha-First-2026',
                                                               'emial': 'asha@example.com'}]}, 'register': 'out'}],
                       expect_failure=True, verbosity=0)
    expected = 'users[0] (asha): not a roster entry key: emial (did you mean email?)'
    assert run.writes == [] and expected in run.result('roster')['msg'] and expected in first_block(run.stdout)
    assert 'Unsupported parameters' not in run.stdout


@pytest.mark.core_matrix
def test_one_run_reports_the_file_s_mistakes_and_every_unknown_name_of_its_other_rows(simulator, run_playbook, tmp_path):
    src = tmp_path / 'roster.csv'
    # A spreadsheet's own headers; ravi's row lost its password, so his first name, email and more moved left.
    src.write_text('User Name,Password,First Name,E-mail,Batch,Courses,Valid Until\n'
                   'asha,Asha-First-2026,Asha,asha@example.com,UPSC Night Batch,,2031-03-31\n'
                   'ravi,Ravi,ravi@example.com,Ravi-Secret-Shift,,,\n'
                   'meena,Meena-First-2026,Meena,meena@example.com,NEET Morning Batch,Data Scince,\n'
                   'kiran,Kiran-First-2026,Kiran,kiran@,,,\n', encoding='utf-8')
    run = run_playbook([roster(src, unlisted_users='deactivate')], expect_failure=True, verbosity=0)
    msg = run.result('roster')['msg']
    assert run.writes == []
    assert msg.startswith('4 problems in the roster; nothing was changed:\n')
    lines = msg.split('\n')[1:]
    assert lines[0].startswith("- %s, row 2 (asha): batches: no batch named 'UPSC Night Batch'" % src)
    assert lines[1] == '- %s, row 3, column D (E-mail): the value is not an email address' % src
    assert lines[2].startswith("- %s, row 4 (meena): courses: no course named 'Data Scince'" % src)
    assert lines[3] == '- %s, row 5, column D (E-mail): the value is not an email address' % src
    block = first_block(run.stdout)
    assert all(line[2:] in block for line in lines)
    assert 'Secret' not in run.stdout and 'kiran@' not in run.stdout


@pytest.mark.core_matrix
def test_a_problem_the_module_finds_shows_the_file_and_row_first(simulator, run_playbook, tmp_path):
    src = tmp_path / 'roster.csv'
    src.write_text(CSV + 'meena,Meena-Secret-99,Meena,meena@example.com,,,,No Such Batch,,\n', encoding='utf-8')
    run = run_playbook([roster(src)], expect_failure=True, verbosity=0)
    block = first_block(run.stdout)
    assert "%s, row 4 (meena): batches: no batch named 'No Such Batch'" % src in block and 'users[' not in block
    assert run.writes == []


def test_spreadsheet_choices_in_any_case_and_an_empty_membership_cell(simulator, run_playbook, tmp_path):
    run_playbook([roster(write(tmp_path / 'first.yml', 'yml'))])
    assert simulator.user_batch_ids("asha")
    src = tmp_path / 'roster.csv'
    src.write_text('Username,State,Batches\nasha,PRESENT,\nravi,ABSENT,\n', encoding='utf-8')
    run = run_playbook([roster(src, membership='exact')], diff=True)
    assert simulator.user("ravi") is None and simulator.user_batch_ids("asha") == []
    assert run.result('roster')['summary']['deleted'] == 1


def info(dest, **options):
    return {'name': 'export', INFO: dict(options, dest=str(dest), include=['batches', 'courses', 'expires']),
            'register': 'out'}


@pytest.mark.parametrize('kind', FORMATS_ON_EVERY_CORE)
def test_dest_writes_a_private_roster_file_that_src_applies_with_zero_writes(simulator, run_playbook, tmp_path, kind,
                                                                             trap_users):
    trap_users()
    dest = tmp_path / ('export.' + kind)
    exported = run_playbook([info(dest)])
    result = exported.result('export')
    assert exported.writes == [] and result['changed'] and result['dest'] == str(dest)
    # The accounts go to the file, not to the job's log.
    assert 'users' not in result and result['count'] == len(simulator.users)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    if kind == 'yml':
        exported_names = [entry['username'] for entry in yaml.safe_load(dest.read_text(encoding='utf-8'))]
        assert exported_names == sorted(user['username'] for user in simulator.users.values())

    # The file applied, then exported again over itself, in one run: no write, no change.
    applied = run_playbook([roster(dest, membership='exact'), info(dest)])
    assert applied.writes == [] and not applied.changed
    assert applied.result('roster')['summary']['unchanged'] == len(simulator.users)
    assert not applied.result('export')['changed']


def test_dest_keeps_a_given_mode_else_makes_any_file_private_and_check_mode_writes_nothing(simulator, run_playbook, tmp_path):
    dest = tmp_path / 'export.csv'
    checked = run_playbook([info(dest)], check=True)
    assert checked.result('export')['changed'] and not dest.exists()
    run_playbook([info(dest, mode='0640')])
    assert stat.S_IMODE(dest.stat().st_mode) == 0o640
    again = run_playbook([info(dest, mode='0640')])
    assert not again.result('export')['changed'] and stat.S_IMODE(dest.stat().st_mode) == 0o640
    # Left out, the mode is 0600 whatever file stood there: an export over a file open to all is made private.
    os.chmod(dest, 0o666)
    narrowed = run_playbook([info(dest)])
    assert narrowed.result('export')['changed'] and stat.S_IMODE(dest.stat().st_mode) == 0o600


def test_dest_refuses_a_symbolic_link_and_leaves_its_target_alone(simulator, run_playbook, tmp_path):
    target = tmp_path / 'someone-elses.yml'
    target.write_text('theirs\n', encoding='utf-8')
    os.chmod(target, 0o644)
    link = tmp_path / 'export.yml'
    link.symlink_to(target)
    refused = run_playbook([info(link)], expect_failure=True)
    assert 'symbolic link' in refused.result('export')['msg'] and str(link) in refused.result('export')['msg']
    assert link.is_symlink() and target.read_text(encoding='utf-8') == 'theirs\n'
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_dest_names_an_unknown_format(simulator, run_playbook, tmp_path):
    bad = run_playbook([info(tmp_path / 'export.xlsx')], expect_failure=True)
    assert '.yml, .yaml, .json or .csv' in bad.result('export')['msg']


@pytest.mark.parametrize('name, text, expected', [
    ('laughs.yml', ''.join('- &%s [%s]\n' % (key, ', '.join(['*' + previous] * 9 if previous else ['lol'] * 9))
                           for previous, key in zip([None] + list('abcdefgh'), 'abcdefghi')), 'its YAML aliases'),
    ('deep.json', '[' * 5000 + ']' * 5000, 'nested too deep to read'),
])
def test_input_that_costs_without_bound_is_refused_naming_the_file(simulator, run_playbook, tmp_path, name, text,
                                                                   expected):
    src = tmp_path / name
    src.write_text(text, encoding='utf-8')
    run = run_playbook([roster(src)], expect_failure=True)
    msg = run.result('roster')['msg']
    assert run.writes == [] and msg.startswith('%s: ' % src) and expected in msg
    assert 'RecursionError' not in run.stdout and 'lol' not in run.stdout


def test_a_csv_export_audited_with_exact_membership_sees_a_batch_granted_by_hand(simulator, run_playbook, tmp_path):
    dest = tmp_path / 'export.csv'
    run_playbook([{'name': 'zed', 'testpress.lms.testpress_user': {'username': 'zed', 'password': 'Zed-First-2026'}},
                  info(dest)])
    # zed is in no batch and no course: the export says so with empty cells, read back as empty lists.
    assert 'zed,' in dest.read_text(encoding='utf-8')
    run_playbook([{'name': 'by hand', 'testpress.lms.testpress_user_batches': {'username': 'zed', 'batches': ['UPSC']}}])
    audit = run_playbook([roster(dest, membership='exact')], check=True)
    (change,) = audit.result('roster')['changes']
    assert audit.writes == [] and change['username'] == 'zed' and change['batches'] == {'removed': ['UPSC']}
