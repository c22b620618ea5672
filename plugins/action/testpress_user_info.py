# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``testpress_user_info`` with ``dest``: the accounts the module reads are written here, on the
controller, as a roster file (``_roster_files``) that ``testpress_roster``'s ``src`` applies as it is.
Without ``dest`` the module runs as any module does."""

from __future__ import annotations

import os

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.testpress.lms.plugins.module_utils._redact import redacted_result
from ansible_collections.testpress.lms.plugins.plugin_utils._module_action import ModuleAction
from ansible_collections.testpress.lms.plugins.plugin_utils._roster_files import (
    RosterFileError,
    dump_roster,
    file_format,
    parse_mode,
    write_file,
)


class ActionModule(ModuleAction):

    MODULE = 'testpress.lms.testpress_user_info'
    PROGRESS = True

    def run_with(self, args, task_vars):
        dest, mode = args.pop('dest', None), args.pop('mode', None)
        if dest is not None:
            dest = os.path.join(self._loader.get_basedir(), os.path.expanduser(str(dest)))
            try:
                kind, mode = file_format(dest), parse_mode(mode)
            except RosterFileError as err:
                raise AnsibleActionFail(str(err)) from None
        elif mode is not None:
            raise AnsibleActionFail('mode is the mode of the file dest names; give dest too')
        if dest is None:
            return self.run_module(args, task_vars)
        # The file is an export to apply again, so it holds the values: the module masks nothing, and the
        # result, which keeps no account, is masked here.
        try:
            redact = boolean(args.pop('redact', False), strict=True)
        except TypeError:
            raise AnsibleActionFail('redact must be true or false') from None
        result = self._written(self.run_module(args, task_vars), dest, kind, mode)
        return redacted_result(result) if redact else result

    def _written(self, result, dest, kind, mode):
        if result.get('failed') or 'users' not in result:
            return result
        # The accounts go to the file only: a job log (AWX keeps every task's result) is no place for them.
        users = result.pop('users')
        try:
            result['changed'] = write_file(dest, dump_roster(users, kind), mode, check_mode=self._task.check_mode)
        except (RosterFileError, AnsibleError) as err:
            raise AnsibleActionFail('dest: %s' % err) from None
        result['dest'] = dest
        return result
