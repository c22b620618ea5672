# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``testpress_roster`` on the controller: the roster file of ``src`` is read here (``_roster_files``), and every
entry, from a file or the task's ``users``, is checked as the module's argument spec would check it, in the
collection's words (a misspelt key with the closest one, a value of the wrong type named by its key). When the
roster has such problems, the module still checks the names of the other entries against the institute, in check
mode (no write can happen), so that one run reports every mistake; then the task fails, having changed nothing.
The module's problems with an entry are named by the file's row, in the first block Ansible prints too. With
``backup: true``, a roster file's backups go beside it (``backups/``) unless ``backup_dir`` says otherwise."""

from __future__ import annotations

import dataclasses
import os
import re

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.testpress.lms.plugins.module_utils._entry import problems_message
from ansible_collections.testpress.lms.plugins.module_utils._module import connection_argument_spec
from ansible_collections.testpress.lms.plugins.plugin_utils._module_action import ModuleAction
from ansible_collections.testpress.lms.plugins.plugin_utils._roster_files import RosterFile

# The options a check of the names needs: the entries without a problem (as users or src) and how they are
# planned, never a file the task writes (a plan, a journal, a backup) nor a sweep of unlisted accounts.
CHECK_OPTIONS = ('users', 'src', 'membership', 'update_password', 'initial_password', 'auto_generate_password',
                 'notify_credential', 'protected_users', 'manage_protected', 'concurrency')
MODULE_PROBLEMS = re.compile(r'^\d+ problems? in the roster; nothing was changed:\n- ')


def retold(result, msg):
    """``result`` failing with ``msg``: also in the error Ansible 2.19+ captured from the module, which is the
    first block it prints (else that block would still say ``users[6]`` where the message says the file's row)."""
    result['msg'] = msg
    summary = result.get('exception')
    if summary is not None and not isinstance(summary, str):
        try:
            result['exception'] = dataclasses.replace(summary, event=dataclasses.replace(summary.event, msg=msg))
        except (TypeError, AttributeError):
            result.pop('exception')
    return result


class ActionModule(ModuleAction):

    MODULE = 'testpress.lms.testpress_roster'
    PROGRESS = True

    def run_with(self, args, task_vars):
        roster = self.roster_of_src(args)
        if roster is not None and args.get('backup_dir') is None and boolean(args.get('backup', False), strict=False):
            # A backup's default home: beside the roster file it would restore.
            args['backup_dir'] = os.path.join(os.path.dirname(os.path.abspath(self._find_needle('files', roster.name))),
                                              'backups')
        if roster is None and isinstance(args.get('users'), list):
            roster = RosterFile(None, list(args['users']))
        if roster is None:
            return self.run_module(args, task_vars)
        if roster.name is None:
            args['users'] = list(roster.checked())
        else:
            self.hand_over(args, roster.checked())
        if roster.problems:
            return self._refused(args, task_vars, roster)
        result = self.run_module(args, task_vars)
        if isinstance(result.get('msg'), str) and roster.name is not None:
            retold(result, roster.name_entries(result['msg']))
        return self.report_src(result, roster)

    def _refused(self, args, task_vars, roster):
        """The failure of a roster with problems: those found here, and those the module finds in the other entries
        (unknown batch or course names, ...), checked in check mode with no sweep, so nothing is written."""
        problems, note = list(roster.problems), roster.note
        valid = roster.valid()
        if valid:
            wanted = set(CHECK_OPTIONS) | set(connection_argument_spec())
            checking = dict((key, value) for key, value in args.items() if key in wanted)
            checking['unlisted_users'] = 'ignore'
            check_mode = self._task.check_mode
            self._task.check_mode = True
            try:
                checked = self.run_module(checking, task_vars)
            finally:
                self._task.check_mode = check_mode
            msg = checked.get('msg') if checked.get('failed') else None
            if isinstance(msg, str) and MODULE_PROBLEMS.match(msg):
                for line in MODULE_PROBLEMS.sub('', msg).split('\n- '):
                    found = re.match(r'users\[(\d+)\]', line)
                    order = roster.order(valid[int(found.group(1))]) if found else float('inf')
                    problems.append((order, roster.name_entries(line, valid)))
            elif msg:
                problems.append((float('inf'), 'the names of the other entries were not checked against the institute: %s'
                                 % roster.name_entries(msg, valid)))
        problems.sort(key=lambda problem: problem[0])
        return {'failed': True, 'changed': False,
                'msg': problems_message([text for _order, text in problems]) + ('\n(%s)' % note if note else '')}
