# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-harness callback: append every task result, in order, to a JSON-lines file.

Used by the ``run_playbook`` fixture (tests/harness/playbook.py), which enables it with
ANSIBLE_CALLBACK_PLUGINS / ANSIBLE_CALLBACKS_ENABLED and names the file in TESTPRESS_TEST_RESULTS.
The default stdout callback keeps printing as usual.
"""

from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: testpress_results
type: aggregate
short_description: Record every task result as one JSON line (test harness only)
description:
  - Appends one JSON object per task result to the file named by the E(TESTPRESS_TEST_RESULTS) environment variable.
  - A looped task gives one line for the whole task, whose C(results) holds the per-item results.
author: Testpress (@testpress)
"""

ENV_VAR = "TESTPRESS_TEST_RESULTS"


class CallbackModule(CallbackBase):
    """Write task results to a JSON-lines file."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "testpress_results"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._path = os.environ.get(ENV_VAR)
        self._index = 0

    def _record(self, result, status, **extra):
        if not self._path:
            return
        data = result.result if hasattr(type(result), "result") else result._result
        entry = dict(data)
        task = result._task
        # The module's own return values stay as they are; harness fields that could clash
        # with a module's (status, action, ...) carry a leading underscore.
        entry.update(
            task=task.get_name(),
            changed=bool(data.get("changed", False)),
            failed=status in ("failed", "unreachable"),
            skipped=status == "skipped",
            _action=task.action,
            _host=result._host.get_name(),
            _status=status,
            _index=self._index,
        )
        entry.update(extra)
        self._index += 1
        with open(self._path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, default=str, sort_keys=True) + "\n")

    def v2_runner_on_ok(self, result, **kwargs):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False, **kwargs):
        self._record(result, "failed", _ignore_errors=bool(ignore_errors))

    def v2_runner_on_skipped(self, result, **kwargs):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result, **kwargs):
        self._record(result, "unreachable")
