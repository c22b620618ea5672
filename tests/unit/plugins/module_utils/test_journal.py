# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_journal: every write the client sends is a line before it goes out and a line when it ends; no secret, ever."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.testpress.lms.plugins.module_utils._api import USERS_PATH, TestpressAPI
from ansible_collections.testpress.lms.plugins.module_utils._client import TestpressClient
from ansible_collections.testpress.lms.plugins.module_utils._errors import InputError, TestpressError
from ansible_collections.testpress.lms.plugins.module_utils._journal import Journal, account, new_run_id
from ansible_collections.testpress.lms.plugins.module_utils._parallel import in_parallel
from ansible_collections.testpress.lms.plugins.module_utils._users import UserSpec, create_account

PASSWORD = 'Very-Secret-Pass-1'


def lines_of(path):
    with open(path, encoding='utf-8') as handle:
        return [json.loads(line) for line in handle]


@pytest.fixture
def journaled(simulator, tmp_path):
    client = TestpressClient(simulator.url, username='admin', password='admin-pass', max_retries=2, sleep=lambda _s: None)
    path = str(tmp_path / 'journal.jsonl')
    client.journal = Journal(path, 'testpress_user', new_run_id(), 'asha')
    yield TestpressAPI(client), path
    client.journal.close()


def test_a_write_is_a_sent_line_then_a_done_line_with_its_fields_and_no_password(simulator, journaled):
    api, path = journaled
    api.create_user({'username': 'asha', 'password': PASSWORD, 'first_name': 'Asha', 'email': 'asha@example.com'})
    sent, done = lines_of(path)
    assert [sent['outcome'], done['outcome']] == ['sent', 'done']
    assert sent['call'] == done['call'] == 1 and sent['run'] == done['run']
    assert (done['module'], done['account'], done['action'], done['method'], done['path']) == (
        'testpress_user', 'asha', 'create', 'POST', USERS_PATH)
    assert done['fields'] == {'username': 'asha', 'first_name': 'Asha', 'email': 'asha@example.com'}
    assert done['secret_fields'] == ['password']
    text = open(path, encoding='utf-8').read()
    assert PASSWORD not in text and 'admin-pass' not in text and 'password_hash' not in text
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    # The login is not a write to the institute: not in the journal.
    assert [entry['method'] for entry in simulator.log] == ['POST', 'POST']


def test_a_refused_write_is_failed_with_the_reason(simulator, journaled):
    api, path = journaled
    simulator.inject(400, method='PUT')
    record = api.create_user({'username': 'ravi', 'password': PASSWORD})
    with pytest.raises(TestpressError):
        api.update_user(record['id'], {'username': 'ravi', 'city': 'Madurai'})
    failed = lines_of(path)[-1]
    assert failed['outcome'] == 'failed' and failed['status'] == 400 and failed['action'] == 'update'
    assert failed['reason'].startswith('PUT /api/v2.5/admin/users/%d/: ' % record['id'])
    assert failed['fields'] == {'username': 'ravi', 'city': 'Madurai'}


def test_a_lost_answer_is_unknown_then_recovery_says_what_the_read_back_found(simulator, journaled):
    api, path = journaled
    simulator.inject(502, method='POST', path=USERS_PATH, apply=True)
    create_account(api, UserSpec('meena', {}, password=PASSWORD), {'username': 'meena', 'password': PASSWORD})
    outcomes = [(line['call'], line['outcome'], line.get('recovery')) for line in lines_of(path)]
    assert outcomes == [(1, 'sent', None), (1, 'unknown', None), (1, 'done', 'read back: applied')]
    assert simulator.user('meena') is not None


def test_a_lost_write_not_applied_is_failed_and_sent_again_as_a_new_call(simulator, journaled):
    api, path = journaled
    simulator.inject(502, method='POST', path=USERS_PATH)
    create_account(api, UserSpec('gopal', {}, password=PASSWORD), {'username': 'gopal', 'password': PASSWORD})
    outcomes = [(line['call'], line['outcome'], line.get('recovery')) for line in lines_of(path)]
    assert outcomes == [(1, 'sent', None), (1, 'unknown', None),
                        (1, 'failed', 'read back: not applied; what remains is sent again'),
                        (2, 'sent', None), (2, 'done', None)]


def test_workers_name_their_own_account_and_every_completion_is_fsynced(simulator, journaled, monkeypatch):
    api, path = journaled
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, 'fsync', lambda fd: synced.append(fd) or real_fsync(fd))

    def create(number):
        with account('user%02d' % number):
            api.create_user({'username': 'user%02d' % number, 'password': PASSWORD})

    in_parallel(create, range(20), 8)
    lines = lines_of(path)
    assert len(lines) == 40 and len(set(line['call'] for line in lines)) == 20
    for line in lines:
        assert line['account'] == line['fields']['username']
    # Each done line was on disk before its call returned: at most one fsync per completion, shared when together.
    assert 1 <= len(synced) <= 20
    with open(path, 'rb') as handle:
        assert handle.read().count(b'"outcome": "done"') == 20


def test_every_spelling_of_a_secret_is_masked_wherever_it_lands(tmp_path):
    path = str(tmp_path / 'journal.jsonl')
    journal = Journal(path, 'testpress_roster', 'run-1')
    call = journal.sent('PUT', '/api/v2.5/admin/users/7/', {'username': 'x', 'city': 'a %s b' % PASSWORD,
                                                            'custom_fields': {'API Token': 'abc', 'Roll': 'R1'}},
                        secrets=[PASSWORD])
    journal.finished(call)
    journal.close()
    text = open(path, encoding='utf-8').read()
    assert PASSWORD not in text and 'abc' not in text
    assert lines_of(path)[0]['secret_fields'] == ['custom_fields.API Token']


def test_a_journal_that_cannot_be_opened_fails_naming_it_and_a_link_is_refused(tmp_path):
    with pytest.raises(InputError, match='journal: .*missing.*cannot be written'):
        Journal(str(tmp_path / 'missing' / 'journal.jsonl'), 'testpress_user', 'run-1')
    os.symlink(str(tmp_path / 'elsewhere'), str(tmp_path / 'link.jsonl'))
    with pytest.raises(InputError, match='symbolic link'):
        Journal(str(tmp_path / 'link.jsonl'), 'testpress_user', 'run-1')
    assert not os.path.exists(str(tmp_path / 'elsewhere'))
