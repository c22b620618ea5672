# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Benchmark of testpress_roster under the API's rate throttle: prints a table, asserts nothing.

    .venv/bin/python tests/bench/bench_throttle.py [--students 1000] [--rate 50] [--concurrency 8,32]

The simulator throttles every account as Django REST framework's ``SimpleRateThrottle`` does (``--rate``
calls per second, sliding window; 429 with ``Retry-After``, or a bare 429 as a proxy sends). Each case is
a real ansible-playbook run of one roster task creating ``--students`` new students (each with a batch,
given in the create call, and a course). For each it prints the wall seconds, the calls the server
served, the 429s, the students that failed, calls / rate (the shortest run the quota allows) and the
ratio of the two. Targets: no failure; 429s at most 5 % of the calls served; wall within 1.25x of
calls / rate; with ``rate_limit`` at the server's rate, no 429 at all.
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

from bench_roster import COLLECTIONS, play, roster_task, student, write_roster

from ansible_collections.testpress.lms.tests.simulator import Simulator  # noqa: E402  (bench_roster set the path)


def run_case(sim, workdir, roster_file, concurrency, retry_after, rate, rate_limit=None):
    """One roster run against a fresh, throttled simulator; returns the row of the table."""
    sim.reset()
    sim.configure(throttle_rate='%d/s' % rate, throttle_retry_after=retry_after)
    summary_file = os.path.join(workdir, 'summary.json')
    task = roster_task(roster_file, concurrency)[0]
    if rate_limit:
        task['testpress.lms.testpress_roster']['rate_limit'] = rate_limit
    task.update(register='roster', ignore_errors=True)
    save = {'name': 'summary', 'ansible.builtin.copy': {'content': '{{ roster.summary | default({}) | to_json }}',
                                                        'dest': summary_file, 'mode': '0600'}}
    path = os.path.join(workdir, 'play.yml')
    with open(path, 'w', encoding='utf-8') as handle:
        yaml.safe_dump(play([task, save], sim.url), handle, sort_keys=False)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0',
               ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'tmp'))
    if os.path.exists(summary_file):
        os.remove(summary_file)
    started = time.perf_counter()
    with open(os.path.join(workdir, 'ansible.log'), 'w', encoding='utf-8') as log:
        done = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), path], env=env,
                              stdout=log, stderr=subprocess.STDOUT, check=False)
    wall = time.perf_counter() - started
    counts = sim.counts()
    summary = {}
    if os.path.exists(summary_file):
        with open(summary_file, encoding='utf-8') as handle:
            summary = json.load(handle)
    else:
        print('the run failed; its output: %s' % os.path.join(workdir, 'ansible.log'), flush=True)
    ideal = counts['served'] / float(rate)
    return {'case': '%s, concurrency %d%s' % ('Retry-After' if retry_after else 'bare 429', concurrency,
                                              ', rate_limit %s' % rate_limit if rate_limit else ''),
            'wall': wall, 'served': counts['served'], 'throttled': counts['throttled'],
            'failed': summary.get('failed', 'all') if done.returncode == 0 else 'run failed',
            'created': summary.get('created', 0), 'ideal': ideal, 'ratio': wall / ideal if ideal else 0.0}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--students', type=int, default=1000)
    parser.add_argument('--rate', type=int, default=50)
    parser.add_argument('--concurrency', default='8,32')
    parser.add_argument('--json', help='also write the rows to this file')
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix='testpress-bench-throttle-')
    roster_file = write_roster(os.path.join(workdir, 'roster.csv'), [student(number) for number in range(args.students)])
    print('machine: %s, %d cores, Python %s; %d new students; the server throttles at %d calls/s per account'
          % (platform.machine(), os.cpu_count(), platform.python_version(), args.students, args.rate))
    print('| case | wall s | calls served | 429s | 429s / served | failures | calls / rate s | wall / (calls / rate) |')
    print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    rows = []
    sim = Simulator().start()
    try:
        cases = [(concurrency, retry_after, None) for retry_after in (True, False)
                 for concurrency in (int(number) for number in args.concurrency.split(','))]
        cases += [(concurrency, True, args.rate) for concurrency in (int(number) for number in args.concurrency.split(','))]
        for concurrency, retry_after, rate_limit in cases:
            row = run_case(sim, workdir, roster_file, concurrency, retry_after, args.rate, rate_limit)
            rows.append(row)
            print('| %s | %.1f | %d | %d | %.1f %% | %s | %.1f | %.2fx |' % (
                row['case'], row['wall'], row['served'], row['throttled'], 100.0 * row['throttled'] / max(1, row['served']),
                row['failed'], row['ideal'], row['ratio']), flush=True)
    finally:
        sim.stop()
    print()
    print('targets: failures 0; 429s <= 5 %% of served; wall <= 1.25x calls / rate; rate_limit: 0 429s')
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as handle:
            json.dump(rows, handle, indent=2)


if __name__ == '__main__':
    main()
