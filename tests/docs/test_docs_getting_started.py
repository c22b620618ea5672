# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""docs/getting-started.md runs as written, as a new user runs it.

The guide's fenced ``bash`` blocks are run in order, one command line at a time, in one shell session
(exported variables and the working directory carry from one command to the next), with:

- a copy of this repository as the clone the guide starts from (a git work tree, as a clone is);
- a HOME of its own, so ``~`` and the default collections path are the test's, and a PATH without this
  repository's venv: a command that needs ``.venv/bin`` works only if the guide put it on PATH;
- no ANSIBLE_* or TESTPRESS_* variable but what the guide exports; the simulator's address the guide
  gives (``http://127.0.0.1:8765``) is the test simulator's, which runs on a free port.

A ``yaml`` block right after a line naming a file (`` `students.yml`: ``) is written to that file in the
working directory of that moment, as a reader saves it. A block after the line
``<!-- docs-test: skip (reason) -->`` is not run; the reason is required (a real institute, the network).
A block after ``<!-- docs-test: server -->`` starts a server the reader leaves running in another
terminal: it is started on a free port in place of the guide's, must answer HTTP within a few seconds,
and is stopped again (the rest of the guide runs against the test's own simulator).

Each command must succeed; one that ends in ``# changed=N`` must end with that count in Ansible's recap;
one with ``--check``, and one that reports ``changed=0``, must send the institute no write.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ansible_collections.testpress.lms.tests.harness import REPO_ROOT

GUIDE = REPO_ROOT / 'docs' / 'getting-started.md'
FENCE = re.compile(r'^```\s*(\w*)\s*$')
SKIP = re.compile(r'^<!--\s*docs-test:\s*skip\s*(?:\((.*)\))?\s*-->$')
SERVER = re.compile(r'^<!--\s*docs-test:\s*server\s*-->$')
FILE_NAME = re.compile(r'^`([\w.-]+\.ya?ml)`:$')
CHANGED = re.compile(r'#\s*changed=(\d+)')
RECAP = re.compile(r'^localhost\s+:.*\bchanged=(\d+)', re.MULTILINE)
GUIDE_PORT = '8765'
GUIDE_SIMULATOR = 'http://127.0.0.1:' + GUIDE_PORT
SERVER_START = 20
COMMAND_TIMEOUT = 300


def guide_blocks():
    """``(line, language, text, skip_reason, file_name, server)`` of each fenced block, in order."""
    lines = GUIDE.read_text(encoding='utf-8').splitlines()
    blocks, index = [], 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match or not match.group(1):
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not lines[end].startswith('```'):
            end += 1
        before = [line.strip() for line in lines[max(0, index - 2):index] if line.strip()]
        skip = SKIP.match(before[-1]) if before else None
        name = FILE_NAME.match(before[-1]) if before else None
        server = bool(before) and SERVER.match(before[-1]) is not None
        blocks.append((index + 1, match.group(1), '\n'.join(lines[index + 1:end]),
                       skip.group(1) if skip else None, name.group(1) if name else None, server))
        if skip and not skip.group(1):
            pytest.fail('%s:%d: a docs-test skip marker needs a reason in parentheses' % (GUIDE.name, index))
        index = end + 1
    return blocks


def commands(text):
    """The command lines of a bash block: comment-only lines dropped, backslash continuations joined."""
    found, pending = [], ''
    for line in text.splitlines():
        if pending:
            line = pending + '\n' + line
            pending = ''
        if line.rstrip().endswith('\\'):
            pending = line
        elif line.strip() and not line.strip().startswith('#'):
            found.append(line)
    return found


class Shell:
    """One user's shell session, kept across separate bash runs: the exported variables and the cwd."""

    def __init__(self, home, cwd):
        venv_bins = {str(Path(sys.executable).parent), str(REPO_ROOT / '.venv' / 'bin')}
        path = [entry for entry in os.environ.get('PATH', '').split(os.pathsep) if entry and entry not in venv_bins]
        self.env = {'HOME': str(home), 'PATH': os.pathsep.join(path), 'LANG': 'C.UTF-8', 'TERM': 'dumb',
                    'ANSIBLE_NOCOLOR': '1', 'PYTHONDONTWRITEBYTECODE': '1'}
        self.cwd = str(cwd)
        self.state = Path(home).parent / 'shell-state'

    def serve(self, command, port):
        """Start ``command`` in the background, as in a second terminal; stop it once it answers on ``port``."""
        log = Path('%s.server' % self.state)
        with log.open('w') as output:
            server = subprocess.Popen(['bash', '-c', 'exec ' + command], cwd=self.cwd, env=self.env,
                                      stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + SERVER_START
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    urllib.request.urlopen('http://127.0.0.1:%d/' % port, timeout=1).close()
                    return None
                except urllib.error.HTTPError:
                    return None
                except OSError:
                    time.sleep(0.2)
            if server.poll() is not None:
                return 'it exited (rc=%d) before answering:\n%s' % (server.returncode, log.read_text())
            return 'it did not answer on port %d within %d s:\n%s' % (port, SERVER_START, log.read_text())
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    def run(self, command):
        script = 'set -eo pipefail\n%s\npwd > %s.cwd\nenv -0 > %s.env\n' % (command, self.state, self.state)
        done = subprocess.run(['bash', '-c', script], cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False)
        if done.returncode == 0:
            self.cwd = Path('%s.cwd' % self.state).read_text(encoding='utf-8').strip()
            pairs = Path('%s.env' % self.state).read_text(encoding='utf-8').split('\0')
            self.env = dict(pair.split('=', 1) for pair in pairs if '=' in pair)
        return done


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


@pytest.fixture
def clone(tmp_path):
    """A copy of this repository where the guide's `git clone` leaves the reader, with the shared venv."""
    copy = tmp_path / 'ansible-collection-lms'
    subprocess.run([sys.executable, str(REPO_ROOT / 'scripts' / 'copy_tree.py'), str(copy)], check=True, capture_output=True)
    venv = REPO_ROOT / '.venv'
    (copy / '.venv').symlink_to(venv.resolve(), target_is_directory=True)
    # The venv is made already: files older than its stamp, so `make` does not install it again.
    stamp = venv / '.requirements.stamp'
    if stamp.exists():
        older = stamp.stat().st_mtime - 1
        for path in copy.rglob('*'):
            if not path.is_symlink():
                os.utime(path, (older, older))
    git = ['git', '-C', str(copy), '-c', 'user.name=docs test', '-c', 'user.email=docs@example.com']
    for args in (['init', '-q'], ['add', '-A'], ['commit', '-q', '-m', 'the release']):
        subprocess.run(git + args, check=True, capture_output=True)
    return copy


def test_getting_started_runs_as_written(simulator, clone, tmp_path):
    blocks = guide_blocks()
    home = tmp_path / 'home'
    home.mkdir()
    shell = Shell(home, clone)
    ran, skipped, playbook_runs = [], [], 0
    for line, language, text, skip, file_name, server in blocks:
        where = '%s:%d' % (GUIDE.name, line)
        if skip:
            skipped.append(where)
            continue
        if server:
            for command in commands(text):
                port = free_port()
                problem = shell.serve(command.replace(GUIDE_PORT, str(port)), port)
                assert problem is None, '%s: `%s`: %s' % (where, command, problem)
                ran.append(command)
            continue
        if language in ('yaml', 'yml') and file_name:
            Path(shell.cwd, file_name).write_text(text + '\n', encoding='utf-8')
            continue
        if language != 'bash':
            continue
        for command in commands(text):
            writes_before = len(simulator.writes())
            done = shell.run(command.replace(GUIDE_SIMULATOR, simulator.url))
            output = done.stdout + done.stderr
            assert done.returncode == 0, '%s: `%s` failed (rc=%d):\n%s' % (where, command, done.returncode, output)
            ran.append(command)
            writes = len(simulator.writes()) - writes_before
            words = command.split('#')[0].split()
            if words[0] == 'ansible-playbook':
                playbook_runs += 1
                recap = RECAP.findall(done.stdout)
                assert recap, '%s: `%s` printed no recap:\n%s' % (where, command, output)
                expected = CHANGED.search(command)
                if expected:
                    assert recap[-1] == expected.group(1), '%s: `%s` reported changed=%s:\n%s' % (
                        where, command, recap[-1], output)
                if '--check' in words or recap[-1] == '0':
                    assert writes == 0, '%s: `%s` sent %d writes' % (where, command, writes)
    assert playbook_runs >= 3, 'the guide ran %d playbooks; ran: %s' % (playbook_runs, ran)
    assert any(command.startswith('ansible-galaxy collection install') for command in ran), ran
    assert len(skipped) <= 5, 'most of the guide should run: skipped %s' % skipped
