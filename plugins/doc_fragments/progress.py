# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The progress lines of the modules whose runs can be long."""

    DOCUMENTATION = r'''
options:
  progress:
    description:
      - "While the task runs, once it has run 10 seconds, print a line at least every 10 seconds on the controller's
        console (and so in an C(ansible-runner), AWX or Automation Platform job's output) saying what it is doing,
        how far it has got and about how long is left, for example
        C(testpress_roster [localhost]: applying: 3,412 of 10,000 accounts, 2 failed, about 1 min 10 s left)."
      - The lines come from the module's action plugin, which reads a small status file the module keeps in the
        task's temporary directory (counts only, private to the user, removed when the task ends); no callback
        plugin is needed. The task's result is the same with or without them.
      - "Shown when the module runs on the controller (C(connection: local) or C(delegate_to: localhost), as the
        collection's playbooks run it) and the task is not C(async); otherwise there are no lines."
      - V(false) prints none.
      - The E(TESTPRESS_PROGRESS_INTERVAL) environment variable of the controller (where C(ansible-playbook) runs)
        sets another interval, in seconds, for both the first line and the next; at least V(1), since the module
        updates its counts once a second. Any other value is warned of, and 10 seconds used.
    type: bool
    default: true
'''
