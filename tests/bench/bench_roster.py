# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Benchmark of testpress_roster against per-student loops: prints a table, asserts nothing.

    .venv/bin/python tests/bench/bench_roster.py [--latency 0.02] [--concurrency 8] [--loop-users 50]
                                                 [--sizes 1000,10000]

Every case is a real ansible-playbook run against the simulator, which adds ``--latency`` seconds to
every API call. For each case it prints the users, wall seconds, seconds per user, the API reads and
writes (the simulator's request log), the floor ((reads + writes) x latency / concurrency: what the
calls cost if nothing else did) and the peak memory (RSS) of the largest process of the run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = tempfile.mkdtemp(prefix='testpress-bench-')
os.makedirs(os.path.join(COLLECTIONS, 'ansible_collections', 'testpress'))
os.symlink(REPO, os.path.join(COLLECTIONS, 'ansible_collections', 'testpress', 'lms'))
sys.path.insert(0, COLLECTIONS)

from ansible_collections.testpress.lms.plugins.filter.roster_csv import roster_to_csv  # noqa: E402
from ansible_collections.testpress.lms.tests.simulator import Simulator  # noqa: E402

LOGIN = '/api/v2.5/auth-token/'
ADMIN = {'api_username': 'admin', 'api_password': 'admin-pass'}
# Runs ansible-playbook and reports the peak RSS (KiB) of the largest process it waited for.
PEAK_RSS = ('import resource, subprocess, sys\n'
            'code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n'
            'sys.stderr.write("%d\\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n'
            'sys.exit(code)\n')


def student(number):
    return {'username': 'bench-%05d' % number, 'password': 'Bench-%05d-Pass' % number, 'first_name': 'Student',
            'last_name': str(number), 'email': 'bench%05d@example.com' % number, 'state_code': 'IN-TN',
            'birth_date': '2006-01-%02d' % (number % 28 + 1), 'batches': ['Batch %02d' % (number % 30 + 1)],
            'courses': ['Course %02d' % (number % 25 + 1)]}


def play(tasks, url, extra=None, name='bench'):
    return [dict({'name': name, 'hosts': 'localhost', 'gather_facts': False,
                  'module_defaults': {'group/testpress.lms.testpress': dict(ADMIN, api_url=url)},
                  'tasks': tasks}, **(extra or {}))]


def loop_of_modules(students):
    return [
        {'name': 'account', 'testpress.lms.testpress_user': {
            'username': '{{ item.username }}', 'password': '{{ item.password }}', 'first_name': '{{ item.first_name }}',
            'last_name': '{{ item.last_name }}', 'email': '{{ item.email }}', 'state_code': '{{ item.state_code }}',
            'birth_date': '{{ item.birth_date }}'}, 'loop': students},
        {'name': 'batches', 'testpress.lms.testpress_user_batches': {
            'username': '{{ item.username }}', 'batches': '{{ item.batches }}'}, 'loop': students},
    ]


def loop_of_uri(students, url):
    return [
        {'name': 'login', 'ansible.builtin.uri': {
            'url': url + '/api/v2.5/auth-token/', 'method': 'POST', 'body_format': 'json',
            'body': {'username': 'admin', 'password': 'admin-pass'}}, 'register': 'login', 'no_log': True},
        {'name': 'create', 'ansible.builtin.uri': {
            'url': url + '/api/v2.5/admin/users/', 'method': 'POST', 'body_format': 'json', 'status_code': [201],
            'headers': {'Authorization': 'JWT {{ login.json.token }}'},
            'body': {'username': '{{ item.username }}', 'password': '{{ item.password }}',
                     'first_name': '{{ item.first_name }}', 'email': '{{ item.email }}'}}, 'loop': students},
    ]


def roster_task(roster_file, concurrency):
    """The roster as GitOps keeps it: a spreadsheet in a file, read by the collection's CSV filter."""
    users = "{{ lookup('ansible.builtin.file', '%s') | testpress.lms.roster_from_csv }}" % roster_file
    return [{'name': 'roster', 'testpress.lms.testpress_roster': {'users': users, 'concurrency': concurrency}}]


def write_roster(path, students):
    """The students as CSV, written by the collection's own ``roster_to_csv``."""
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(roster_to_csv(students))
    return path


class Bench:
    def __init__(self, args):
        self.args = args
        self.sim = Simulator().start()
        self.workdir = tempfile.mkdtemp(prefix='testpress-bench-run-')
        self.rows = []

    def run(self, label, users, playbook, concurrency, check=False):
        path = os.path.join(self.workdir, 'play.yml')
        with open(path, 'w', encoding='utf-8') as handle:
            yaml.safe_dump(playbook, handle, sort_keys=False)
        command = [sys.executable, '-c', PEAK_RSS, os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), path]
        if check:
            command.append('--check')
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                   ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0',
                   ANSIBLE_LOCAL_TEMP=os.path.join(self.workdir, 'tmp'))
        start_log = len(self.sim.log)
        start = time.perf_counter()
        done = subprocess.run(command, env=env, stderr=subprocess.PIPE, text=True, check=False)
        seconds = time.perf_counter() - start
        log = self.sim.log[start_log:]
        # The login is a call (it is in the floor) but not a write to the institute.
        writes = sum(1 for entry in log if entry['method'] in ('POST', 'PUT', 'DELETE') and entry['path'] != LOGIN)
        reads = len(log) - writes
        floor = (reads + writes) * self.args.latency / concurrency
        row = {'case': label, 'users': users, 'seconds': seconds, 'per_user': seconds / users, 'reads': reads,
               'writes': writes, 'floor': floor, 'rss_mb': int(done.stderr.strip().splitlines()[-1]) / 1024,
               'rc': done.returncode}
        self.rows.append(row)
        print('%-46s %6d %8.1f %9.4f %7d %7d %8.1f %6.0f %s' % (
            label, users, seconds, row['per_user'], reads, writes, floor, row['rss_mb'], '' if done.returncode == 0 else 'FAILED'),
            flush=True)
        return row

    def fresh(self):
        self.sim.reset()
        self.sim.faults['latency'] = self.args.latency


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--latency', type=float, default=0.02)
    parser.add_argument('--concurrency', type=int, default=8)
    parser.add_argument('--loop-users', type=int, default=50)
    parser.add_argument('--sizes', default='1000,10000')
    parser.add_argument('--json', help='also write the rows to this file')
    args = parser.parse_args()
    bench = Bench(args)
    url = bench.sim.url
    sizes = [int(size) for size in args.sizes.split(',')]
    print('machine: %s, %d cores, Python %s; latency %.0f ms per call; roster concurrency %d'
          % (platform.machine(), os.cpu_count(), platform.python_version(), args.latency * 1000, args.concurrency))
    print('%-46s %6s %8s %9s %7s %7s %8s %6s' % ('case', 'users', 'wall s', 's/user', 'reads', 'writes', 'floor s', 'RSS MB'))

    loop = [student(number) for number in range(args.loop_users)]
    bench.fresh()
    modules = bench.run('loop: testpress_user + testpress_user_batches', len(loop), play(loop_of_modules(loop), url), 1)
    bench.fresh()
    bench.run('loop: ansible.builtin.uri creates', len(loop), play(loop_of_uri(loop, url), url), 1)

    for size in sizes:
        roster = write_roster(os.path.join(bench.workdir, 'roster-%d.csv' % size), [student(number) for number in range(size)])
        roster_play = play(roster_task(roster, args.concurrency), url)
        bench.fresh()
        created = bench.run('testpress_roster: create %d' % size, size, roster_play, args.concurrency)
    rerun = bench.run('testpress_roster: no-op rerun %d' % size, size, roster_play, args.concurrency)
    with bench.sim._lock:
        for number in range(0, size, 100):
            bench.sim._by_username['bench-%05d' % number]['last_name'] = 'Drifted'
    audit = bench.run('testpress_roster: check-mode audit %d, 1%% drift' % size, size, roster_play, args.concurrency,
                      check=True)
    bench.sim.stop()

    print()
    print('roster s/user vs the module loop: %.0fx faster (target >= 100x)' % (modules['per_user'] / created['per_user']))
    print('create vs floor: %.2fx; no-op vs floor: %.2fx (target <= 1.5x)'
          % (created['seconds'] / created['floor'], rerun['seconds'] / rerun['floor']))
    print('no-op rerun writes: %d (target 0); audit of %d: %.1f s (target < 60 s); peak RSS %.0f MB (target < 300 MB)'
          % (rerun['writes'], size, audit['seconds'], max(row['rss_mb'] for row in bench.rows[2:])))
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as handle:
            json.dump(bench.rows, handle, indent=2)


if __name__ == '__main__':
    main()
