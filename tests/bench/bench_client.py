# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Benchmark of the HTTP client against the simulator: prints figures, asserts nothing.

    .venv/bin/python tests/bench/bench_client.py [--users 10000] [--latency 0.02] [--workers 8]

Measures reading every user (pagination), exact lookups by username, and profile
updates sent one after another and from a pool of threads sharing one client.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = tempfile.mkdtemp(prefix='testpress-bench-')
os.makedirs(os.path.join(COLLECTIONS, 'ansible_collections', 'testpress'))
os.symlink(REPO, os.path.join(COLLECTIONS, 'ansible_collections', 'testpress', 'lms'))
sys.path.insert(0, COLLECTIONS)

from ansible_collections.testpress.lms.plugins.module_utils._api import TestpressAPI  # noqa: E402
from ansible_collections.testpress.lms.plugins.module_utils._client import TestpressClient  # noqa: E402
from ansible_collections.testpress.lms.tests.simulator import Simulator  # noqa: E402


def timed(label, calls, func):
    start = time.perf_counter()
    func()
    seconds = time.perf_counter() - start
    print('%-44s %8.2f s  %6d calls  %7.2f ms/call' % (label, seconds, calls(), 1000 * seconds / max(1, calls())))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--users', type=int, default=10000)
    parser.add_argument('--latency', type=float, default=0.02, help='seconds the simulator adds to each call')
    parser.add_argument('--workers', type=int, default=8)
    parser.add_argument('--updates', type=int, default=400)
    args = parser.parse_args()

    sim = Simulator().start()
    try:
        for number in range(args.users):
            sim.add_user('bench%05d' % number, email='bench%05d@example.com' % number)
        for latency in (0.0, args.latency):
            sim.faults['latency'] = latency
            sim.clear_log()
            client = TestpressClient(sim.url, username='admin', password='admin-pass', pool_size=args.workers)
            api = TestpressAPI(client)
            print('== %d users, %.0f ms added latency per call' % (args.users + 5, latency * 1000))
            everyone = []
            timed('read every user (pages of 20)', lambda: len(sim.log), lambda: everyone.extend(api.list_users()))
            names = dict((user['id'], user['username']) for user in everyone if user['username'].startswith('bench'))
            ids = sorted(names)[:args.updates]

            sim.clear_log()
            timed('find 50 users by exact username', lambda: len(sim.log),
                  lambda: [api.find_user('bench%05d' % n) for n in range(0, 50)])

            sim.clear_log()
            timed('%d updates, one after another' % len(ids), lambda: len(sim.log),
                  lambda: [api.update_user(uid, {'username': names[uid], 'city': 'Seq'}) for uid in ids])

            sim.clear_log()

            def parallel():
                with ThreadPoolExecutor(args.workers) as pool:
                    list(pool.map(lambda uid: api.update_user(uid, {'username': names[uid], 'city': 'Par'}), ids))
            timed('%d updates, %d threads, one client' % (len(ids), args.workers), lambda: len(sim.log), parallel)
    finally:
        sim.stop()


if __name__ == '__main__':
    main()
