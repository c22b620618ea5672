# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one worker pool of the collection: page reads, the roster's reads and writes, exports."""

from __future__ import annotations

import threading


def in_parallel(func, items, workers):
    """``[func(item) for item in items]``, run by ``workers`` threads, in the order given.

    Each thread takes the next item until none is left: one thread per worker rather than a future
    per item, which at 10,000 items costs more CPU than the calls. The first error is raised once
    every thread has stopped; the threads take no new item after it.
    """
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        return [func(item) for item in items]
    results, errors = [None] * len(items), []
    queue = iter(range(len(items)))
    lock = threading.Lock()

    def work():
        while not errors:
            with lock:
                index = next(queue, None)
            if index is None:
                return
            try:
                results[index] = func(items[index])
            except Exception as err:  # pylint: disable=broad-except  # re-raised in the caller's thread
                errors.append(err)

    threads = [threading.Thread(target=work, daemon=True) for _worker in range(min(workers, len(items)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
