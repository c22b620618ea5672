# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Benchmark of testpress_roster against per-student loops, and of what Ansible costs around it: prints a table,
asserts nothing.

    .venv/bin/python tests/bench/bench_roster.py [--latency 0.02] [--concurrency 8[,16,...]] [--loop-users 50]
                                                 [--sizes 1000,10000] [--only loops,sizes,progress,journal,controller]
                                                 [--expires 2031-03-31]

``make bench-large`` is ``--only sizes --sizes 1000,10000,100000 --concurrency 16,32 --expires 2031-03-31``: for
each concurrency and size, a create, a no-op rerun and a check-mode audit (1 % drift) of a roster with a batch,
a course and ``expires``; the s/user column at each size shows how the run grows.

Every case is a real ansible-playbook run against the simulator, which adds ``--latency`` seconds to
every API call. For each case it prints the users, wall seconds, seconds per user, the API reads and
writes (the simulator's request log), the floor ((reads + writes) x latency / concurrency: what the
calls cost if nothing else did), the module's own seconds (the life of its process), and the peak
memory (RSS) of the controller (ansible-playbook and its workers) and of the module. The controller's
seconds are the wall less the module's.

The progress and journal cases create the largest size's roster twice each (``option_case``): with
``progress: false`` and with the progress lines (the default); without and with ``journal``. Each prints what
its option costs: the difference of the two runs, in % of the run without it.

The controller cases give the largest size's roster to the task in each way a playbook can: written in
the playbook, ``lookup('file') | from_yaml``, and ``src`` as YAML, JSON and CSV; then the shipped
playbooks/audit.yml over the YAML file, beside the module run on its own (no Ansible around it).
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = tempfile.mkdtemp(prefix='testpress-bench-')
atexit.register(shutil.rmtree, COLLECTIONS, True)
os.makedirs(os.path.join(COLLECTIONS, 'ansible_collections', 'testpress'))
os.symlink(REPO, os.path.join(COLLECTIONS, 'ansible_collections', 'testpress', 'lms'))
sys.path.insert(0, COLLECTIONS)

from ansible_collections.testpress.lms.plugins.filter.roster_csv import roster_to_csv  # noqa: E402
from ansible_collections.testpress.lms.tests.simulator import Simulator  # noqa: E402

LOGIN = '/api/v2.5/auth-token/'
ADMIN = {'api_username': 'admin', 'api_password': 'admin-pass'}
MODULE_MARK = b'AnsiballZ_'
VM_HWM = re.compile(r'^VmHWM:\s+(\d+) kB', re.MULTILINE)
SAMPLE_SECONDS = 0.02


class Watch(threading.Thread):
    """Samples the process tree of a run: each process's peak RSS (VmHWM), and when the module's process (an
    AnsiballZ file, or the plain module run on its own: ``module_root``) was alive. The rest is the controller."""

    def __init__(self, root, module_root=False):
        super().__init__(daemon=True)
        self.root = root
        self.module_root = module_root
        self.done = threading.Event()
        self.peaks = {'controller': 0, 'module': 0}
        self.module_seen = {}

    def run(self):
        while not self.done.is_set():
            self.sample()
            time.sleep(SAMPLE_SECONDS)

    def sample(self):
        now = time.perf_counter()
        pending = [self.root]
        while pending:
            pid = pending.pop()
            try:
                with open('/proc/%d/cmdline' % pid, 'rb') as handle:
                    cmdline = handle.read()
                with open('/proc/%d/status' % pid, encoding='ascii', errors='replace') as handle:
                    peak = VM_HWM.search(handle.read())
                for task in os.listdir('/proc/%d/task' % pid):
                    with open('/proc/%d/task/%s/children' % (pid, task), encoding='ascii') as handle:
                        pending.extend(int(child) for child in handle.read().split())
            except (OSError, ValueError):
                continue
            module = MODULE_MARK in cmdline or (self.module_root and pid == self.root)
            if module and cmdline.startswith(b'/bin/sh'):
                continue
            kind = 'module' if module else 'controller'
            self.peaks[kind] = max(self.peaks[kind], int(peak.group(1)) if peak else 0)
            if module:
                self.module_seen.setdefault(pid, [now, now])[1] = now

    def module_seconds(self):
        """How long modules ran, one after the other (each process's life, to the sampling's precision)."""
        return sum(last - first + SAMPLE_SECONDS for first, last in self.module_seen.values())


def student(number, expires=None):
    if expires:
        return dict(student(number), expires=expires)
    return {'username': 'bench-%06d' % number, 'password': 'Bench-%06d-Pass' % number, 'first_name': 'Student',
            'last_name': str(number), 'email': 'bench%06d@example.com' % number, 'state_code': 'IN-TN',
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
    """The roster as GitOps keeps it: a spreadsheet in a file, read on the controller by the task's ``src``."""
    return [{'name': 'roster', 'testpress.lms.testpress_roster': {'src': roster_file, 'concurrency': concurrency}}]


def write_roster(path, students):
    """The students as a roster file of the kind its extension says: CSV by ``roster_to_csv``, YAML, JSON."""
    with open(path, 'w', encoding='utf-8') as handle:
        if path.endswith('.csv'):
            handle.write(roster_to_csv(students))
        elif path.endswith('.json'):
            json.dump(students, handle)
        else:
            yaml.dump(students, handle, Dumper=getattr(yaml, 'CSafeDumper', yaml.SafeDumper), sort_keys=False)
    return path


def without_passwords(students):
    """Entries as a GitOps roster keeps them: the accounts' first passwords are not in git."""
    return [dict((key, value) for key, value in entry.items() if key != 'password') for entry in students]


def controller_cases(workdir, students, concurrency):
    """``(label, tasks)``: the same roster given to the task in each way a playbook can."""
    base = os.path.join(workdir, 'controller')
    paths = dict((kind, write_roster('%s.%s' % (base, kind), students)) for kind in ('yml', 'json', 'csv'))
    task = {'concurrency': concurrency}
    return [
        ('users: written in the playbook', [{'name': 'roster', 'testpress.lms.testpress_roster': dict(task, users=students)}]),
        ("users: lookup('file') | from_yaml", [{'name': 'roster', 'testpress.lms.testpress_roster': dict(
            task, users="{{ lookup('ansible.builtin.file', '%s') | ansible.builtin.from_yaml }}" % paths['yml'])}]),
        ('src: YAML', roster_task(paths['yml'], concurrency)),
        ('src: JSON', roster_task(paths['json'], concurrency)),
        ('src: CSV', roster_task(paths['csv'], concurrency)),
    ], paths['yml']


class Bench:
    def __init__(self, args):
        self.args = args
        self.sim = Simulator().start()
        self.workdir = tempfile.mkdtemp(prefix='testpress-bench-run-')
        atexit.register(shutil.rmtree, self.workdir, True)
        self.rows = []

    def run(self, label, users, playbook, concurrency, check=False, extra_args=()):
        """One ansible-playbook run of ``playbook`` (plays, or the path of a playbook file)."""
        path = playbook
        if not isinstance(playbook, str):
            path = os.path.join(self.workdir, 'play.yml')
            with open(path, 'w', encoding='utf-8') as handle:
                yaml.safe_dump(playbook, handle, sort_keys=False)
        command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), path] + list(extra_args)
        if check:
            command.append('--check')
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                   ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0',
                   ANSIBLE_LOCAL_TEMP=os.path.join(self.workdir, 'tmp'), TESTPRESS_URL=self.sim.url,
                   TESTPRESS_USERNAME=ADMIN['api_username'], TESTPRESS_PASSWORD=ADMIN['api_password'])
        return self.measure(label, users, command, env, concurrency)

    def run_module(self, label, users, module_args, concurrency):
        """The roster module on its own, as Ansible would start it, with no Ansible around it."""
        path = os.path.join(self.workdir, 'module_args.json')
        with open(path, 'w', encoding='utf-8') as handle:
            json.dump({'ANSIBLE_MODULE_ARGS': module_args}, handle)
        command = [sys.executable, '-m', 'ansible_collections.testpress.lms.plugins.modules.testpress_roster', path]
        return self.measure(label, users, command, dict(os.environ, PYTHONPATH=COLLECTIONS), concurrency, module_root=True)

    def measure(self, label, users, command, env, concurrency, module_root=False):
        start_log = len(self.sim.log)
        start = time.perf_counter()
        with subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as proc:
            watch = Watch(proc.pid, module_root)
            watch.start()
            error = proc.communicate()[1]
        seconds = time.perf_counter() - start
        watch.done.set()
        watch.join()
        log = self.sim.log[start_log:]
        # The login is a call (it is in the floor) but not a write to the institute.
        writes = sum(1 for entry in log if entry['method'] in ('POST', 'PUT', 'DELETE') and entry['path'] != LOGIN)
        reads = len(log) - writes
        floor = (reads + writes) * self.args.latency / concurrency
        module_seconds = watch.module_seconds()
        row = {'case': label, 'users': users, 'seconds': seconds, 'per_user': seconds / users, 'reads': reads,
               'writes': writes, 'floor': floor, 'module_seconds': module_seconds,
               'controller_seconds': seconds - module_seconds if not module_root else 0.0,
               'controller_mb': watch.peaks['controller'] / 1024, 'module_mb': watch.peaks['module'] / 1024,
               'rss_mb': max(watch.peaks.values()) / 1024, 'rc': proc.returncode}
        self.rows.append(row)
        print('%-46s %6d %8.1f %9.4f %7d %7d %8.1f %8.1f %7.1f %6.0f %6.0f %s' % (
            label, users, seconds, row['per_user'], reads, writes, floor, module_seconds, row['controller_seconds'],
            row['controller_mb'], row['module_mb'], '' if proc.returncode == 0 else 'FAILED ' + error.strip()[-300:]),
            flush=True)
        return row

    def fresh(self):
        self.sim.reset()
        self.sim.faults['latency'] = self.args.latency


def sizes_case(bench, size, concurrency, url):
    """A roster of ``size`` students created on an empty institute, run again (no write), then audited in check mode
    after 1 % of them drifted: the three rows."""
    students = [student(number, bench.args.expires) for number in range(size)]
    roster = write_roster(os.path.join(bench.workdir, 'roster-%d.csv' % size), students)
    del students
    roster_play = play(roster_task(roster, concurrency), url)
    bench.fresh()
    label = '%d, concurrency %d' % (size, concurrency)
    created = bench.run('testpress_roster: create %s' % label, size, roster_play, concurrency)
    rerun = bench.run('testpress_roster: no-op rerun %s' % label, size, roster_play, concurrency)
    with bench.sim._lock:
        for number in range(0, size, 100):
            bench.sim._by_username['bench-%06d' % number]['last_name'] = 'Drifted'
    audit = bench.run('testpress_roster: check-mode audit %s, 1%% drift' % label, size, roster_play, concurrency,
                      check=True)
    return created, rerun, audit


def shipped_audit(bench, size, roster_file, concurrency):
    """playbooks/audit.yml over ``roster_file``, and the module on its own with the arguments that play gives it."""
    with open(os.path.join(REPO, 'playbooks', 'vars', 'roster.yml'), encoding='utf-8') as handle:
        options = yaml.safe_load(handle)
    with open(roster_file, encoding='utf-8') as handle:
        users = yaml.load(handle, Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader))
    report_dir = os.path.join(bench.workdir, 'reports')
    shipped = bench.run('playbooks/audit.yml, a YAML roster', size, os.path.join(REPO, 'playbooks', 'audit.yml'),
                        concurrency, extra_args=['-e', 'roster_file=%s' % roster_file, '-e', 'report_dir=%s' % report_dir])
    module_args = dict(ADMIN, api_url=bench.sim.url, users=users, membership=options['roster_membership'],
                       unlisted_users=options['roster_unlisted_users'], protected_users=options.get('roster_protected_users'),
                       max_removals=options['roster_max_removals'],
                       max_removals_percent=options['roster_max_removals_percent'], _ansible_check_mode=True)
    own = bench.run_module('the same audit: the module on its own', size, module_args, concurrency)
    return shipped, own


def option_case(bench, size, concurrency, url, option, values, expires=None):
    """The create of ``size`` students once per value of the roster's ``option`` (None: left out), each on a fresh
    institute: ``{value: row}``. What an option such as ``progress`` or ``journal`` costs a run."""
    roster = write_roster(os.path.join(bench.workdir, 'roster-%s-%d.csv' % (option, size)),
                          [student(number, expires) for number in range(size)])
    rows = {}
    for value in values:
        bench.fresh()
        tasks = roster_task(roster, concurrency)
        if value is not None:
            tasks[0]['testpress.lms.testpress_roster'][option] = value
        rows[value] = bench.run('testpress_roster: create %d, %s %s' % (size, option, 'off' if value in (None, False) else 'on'),
                                size, play(tasks, url), concurrency)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--latency', type=float, default=0.02)
    parser.add_argument('--concurrency', default='8', help='one number, or several: the sizes run at each')
    parser.add_argument('--expires', help='an end date for every student\'s batch subscription (YYYY-MM-DD)')
    parser.add_argument('--loop-users', type=int, default=50)
    parser.add_argument('--sizes', default='1000,10000')
    parser.add_argument('--only', default='loops,sizes,progress,journal,controller',
                        help='which parts to run: loops, sizes (create, rerun, audit), progress, journal, controller')
    parser.add_argument('--json', help='also write the rows to this file')
    args = parser.parse_args()
    only = set(args.only.split(','))
    concurrencies = [int(number) for number in args.concurrency.split(',')]
    args.concurrency = concurrencies[0]
    bench = Bench(args)
    url = bench.sim.url
    sizes = [int(size) for size in args.sizes.split(',')]
    size = sizes[-1]
    print('machine: %s, %d cores, Python %s; load average %.1f; latency %.0f ms per call; roster concurrency %s'
          % (platform.machine(), os.cpu_count(), platform.python_version(), os.getloadavg()[0], args.latency * 1000,
             ', '.join(map(str, concurrencies))))
    print('%-46s %6s %8s %9s %7s %7s %8s %8s %7s %6s %6s' % (
        'case', 'users', 'wall s', 's/user', 'reads', 'writes', 'floor s', 'module s', 'ctl s', 'ctl MB', 'mod MB'))

    if 'loops' in only:
        loop = [student(number) for number in range(args.loop_users)]
        bench.fresh()
        modules = bench.run('loop: testpress_user + testpress_user_batches', len(loop), play(loop_of_modules(loop), url), 1)
        bench.fresh()
        bench.run('loop: ansible.builtin.uri creates', len(loop), play(loop_of_uri(loop, url), url), 1)

    summary = []
    for concurrency in concurrencies if 'sizes' in only else []:
        for number_of_students in sizes:
            created, rerun, audit = sizes_case(bench, number_of_students, concurrency, url)
            summary.append('concurrency %d, %d students: create %.2fx, no-op %.2fx, audit %.2fx their floor (target '
                           '<= 1.3x); no-op writes %d (target 0); peak RSS module %.0f MB (target <= 300 MB at 100,000), '
                           'controller %.0f MB (target <= 200 MB)' % (
                               concurrency, number_of_students, created['seconds'] / created['floor'],
                               rerun['seconds'] / rerun['floor'], audit['seconds'] / audit['floor'], rerun['writes'],
                               max(row['module_mb'] for row in (created, rerun, audit)),
                               max(row['controller_mb'] for row in (created, rerun, audit))))
    if 'sizes' in only and 'loops' in only:
        summary.append('roster s/user vs the module loop: %.0fx faster (target >= 100x)'
                       % (modules['per_user'] / bench.rows[2]['per_user']))

    if 'progress' in only:
        rows = option_case(bench, size, args.concurrency, url, 'progress', (False, True), args.expires)
        summary.append('progress lines: create of %d %.1f s with them, %.1f s without: %+.1f %% (target < 5 %%)'
                       % (size, rows[True]['seconds'], rows[False]['seconds'],
                          100.0 * (rows[True]['seconds'] - rows[False]['seconds']) / rows[False]['seconds']))
    if 'journal' in only:
        journal = os.path.join(bench.workdir, 'journal.jsonl')
        rows = option_case(bench, size, args.concurrency, url, 'journal', (None, journal), args.expires)
        with open(journal, 'rb') as handle:
            lines = sum(1 for _line in handle)
        summary.append('journal: create of %d %.1f s with it, %.1f s without: %+.1f %% (target < 5 %%); %d lines, %.1f MB'
                       % (size, rows[journal]['seconds'], rows[None]['seconds'],
                          100.0 * (rows[journal]['seconds'] - rows[None]['seconds']) / rows[None]['seconds'], lines,
                          os.path.getsize(journal) / 2 ** 20))

    if 'controller' in only:
        if 'sizes' not in only:
            bench.fresh()
            roster = write_roster(os.path.join(bench.workdir, 'roster-%d.csv' % size),
                                  [student(number, args.expires) for number in range(size)])
            bench.run('testpress_roster: create %d' % size, size, play(roster_task(roster, args.concurrency), url),
                      args.concurrency)
        cases, yaml_roster = controller_cases(bench.workdir, without_passwords([student(number) for number in range(size)]),
                                              args.concurrency)
        ways = dict((label, bench.run(label, size, play(tasks, url), args.concurrency, check=True)) for label, tasks in cases)
        shipped, own = shipped_audit(bench, size, yaml_roster, args.concurrency)
        by_src = ways['src: YAML']
        summary.append('src: YAML on the controller: %.1f s (target <= 3 s), %.0f MB (target <= 150 MB)'
                       % (by_src['controller_seconds'], by_src['controller_mb']))
        summary.append('playbooks/audit.yml: %.1f s, the module on its own %.1f s: %.2fx (target <= 1.15x)'
                       % (shipped['seconds'], own['seconds'], shipped['seconds'] / own['seconds']))
    bench.sim.stop()

    print()
    print('\n'.join(summary))
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as handle:
            json.dump(bench.rows, handle, indent=2)


if __name__ == '__main__':
    main()
