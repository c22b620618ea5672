# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``testpress_api_info`` with a roster to estimate: the file of ``src`` is read here, on the controller, as
``testpress_roster`` reads it (``ModuleAction.roster_of_src``), and the entries reach the module without their
passwords: the estimate needs to know only that an entry has one. Without a roster the module runs as any does."""

from __future__ import annotations

from ansible_collections.testpress.lms.plugins.module_utils._module import NO_LOG_PLACEHOLDER
from ansible_collections.testpress.lms.plugins.plugin_utils._module_action import ModuleAction


def without_passwords(users):
    """The entries, each password replaced by a placeholder (an entry with one is still known to have one)."""
    return [dict(entry, password=NO_LOG_PLACEHOLDER) if isinstance(entry, dict) and entry.get('password') else entry
            for entry in users]


class ActionModule(ModuleAction):

    MODULE = 'testpress.lms.testpress_api_info'

    def run_with(self, args, task_vars):
        roster = self.roster_of_src(args)
        if roster is not None:
            args['users'] = list(roster.entries)
        if isinstance(args.get('users'), list):
            args['users'] = without_passwords(args['users'])
        result = self.run_module(args, task_vars)
        if roster is not None and isinstance(result.get('msg'), str):
            result['msg'] = roster.name_entries(result['msg'])
        return self.report_src(result, roster)
