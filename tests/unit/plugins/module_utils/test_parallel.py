# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one worker pool: results in the order given, every item once, the first error raised after the threads stop."""

import threading
import time

import pytest

from ansible_collections.testpress.lms.plugins.module_utils._parallel import in_parallel


def test_results_keep_the_order_of_the_items_whatever_order_they_finish_in():
    def slow_for_small(item):
        time.sleep(0.001 * (10 - item))
        return item * item
    assert in_parallel(slow_for_small, range(10), 4) == [item * item for item in range(10)]


def test_each_item_is_run_once_on_at_most_the_given_number_of_threads():
    seen, threads, lock = [], set(), threading.Lock()

    def record(item):
        with lock:
            seen.append(item)
            threads.add(threading.get_ident())
        time.sleep(0.002)
    in_parallel(record, range(50), 3)
    assert sorted(seen) == list(range(50))
    assert 1 < len(threads) <= 3


def test_one_worker_runs_in_the_callers_thread():
    assert in_parallel(lambda item: threading.get_ident(), [1, 2], 1) == [threading.get_ident()] * 2


def test_the_first_error_is_raised_and_no_new_item_is_started_after_it():
    started = []

    def fail_on_three(item):
        started.append(item)
        if item == 3:
            raise ValueError('item 3')
        time.sleep(0.01)
    with pytest.raises(ValueError, match='item 3'):
        in_parallel(fail_on_three, range(100), 2)
    assert len(started) < 100
