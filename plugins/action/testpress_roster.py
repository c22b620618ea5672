# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``testpress_roster`` with ``src``: the roster file is read here, on the controller, and its entries
handed to the module as they are (``_roster_files``); the module's problems with an entry are named by
the file's row. Without ``src`` the module runs as any module does."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail, AnsibleError

from ansible_collections.testpress.lms.plugins.module_utils._entry import entry_argument_spec
from ansible_collections.testpress.lms.plugins.plugin_utils._module_action import ModuleAction
from ansible_collections.testpress.lms.plugins.plugin_utils._roster_files import RosterFileError, read_roster


class ActionModule(ModuleAction):

    MODULE = 'testpress.lms.testpress_roster'

    def run_with(self, args, task_vars):
        src = args.pop('src', None)
        roster = None
        if src is not None:
            if args.get('users') is not None:
                raise AnsibleActionFail('src and users are mutually exclusive: give the roster as a file (src) '
                                        'or as a list (users), not both')
            src = str(src)
            try:
                path = self._find_needle('files', src)
            except AnsibleError as err:
                raise AnsibleActionFail('src: the roster file %s is not found (%s)' % (src, err.message)) from None
            try:
                roster = read_roster(path, src)
            except RosterFileError as err:
                raise AnsibleActionFail(str(err)) from None
            args['users'] = roster.entries
        result = self.run_module(args, task_vars)
        if roster is not None:
            self._from_file(result, roster)
        return result

    @staticmethod
    def _from_file(result, roster):
        """Name entries by the file's rows, and report the task's ``src``, not thousands of entries."""
        msg = result.get('msg')
        if isinstance(msg, str):
            problems = roster.entry_problems(entry_argument_spec()) if result.get('failed') and 'users[' not in msg else []
            result['msg'] = (roster.name_entries(msg) if not problems else
                             '%d problem%s in the roster; nothing was changed:\n- %s'
                             % (len(problems), '' if len(problems) == 1 else 's', '\n- '.join(problems)))
        module_args = (result.get('invocation') or {}).get('module_args')
        if isinstance(module_args, dict):
            module_args.pop('users', None)
            module_args['src'] = roster.name
