# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``testpress_token``: the module's result holds the admin token, so it is censored wherever Ansible shows a
result (the console at any verbosity, ANSIBLE_LOG_PATH, callbacks, AWX job events), as ``no_log: true`` does,
while ``register`` still receives it. A failed login is shown as it is: its message names what was tried and
holds no secret."""

from __future__ import annotations

from ansible_collections.testpress.lms.plugins.plugin_utils._module_action import ModuleAction


class ActionModule(ModuleAction):

    MODULE = 'testpress.lms.testpress_token'

    def run_with(self, args, task_vars):
        result = self.run_module(args, task_vars)
        if 'token' in result:
            # Ansible's own no_log flag of a result: every display of it is censored, the registered value is not.
            result['_ansible_no_log'] = True
        return result
