# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The base of the collection's action plugins: do some work on the controller around one run of the
module of the same name, as Ansible's ``normal`` action runs it (check mode, async), with progress lines
while it runs (``_progress``) for a module that has the ``progress`` option."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.testpress.lms.plugins.module_utils._entry import ENTRIES_FILE, entry_lines
from ansible_collections.testpress.lms.plugins.module_utils._files import write_private
from ansible_collections.testpress.lms.plugins.module_utils._progress import STATUS_FILE
from ansible_collections.testpress.lms.plugins.plugin_utils._progress import ProgressWatch, interval_setting
from ansible_collections.testpress.lms.plugins.plugin_utils._roster_files import RosterFileError, read_roster

display = Display()


class ModuleAction(ActionBase):
    """A subclass's ``run_with(args, task_vars)`` takes its controller options out of ``args`` (a copy of
    the task's), calls ``run_module(args, task_vars)`` to run ``MODULE``, and returns the result.
    ``PROGRESS``: the module has the ``progress`` option, and its action prints the lines."""

    MODULE = None
    PROGRESS = False
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        try:
            result.update(self.run_with(dict(self._task.args), task_vars))
        except RosterFileError as err:
            # Also from a JSON roster's entries, which are decoded as they are used.
            raise AnsibleActionFail(str(err)) from None
        return result

    def run_with(self, args, task_vars):
        raise NotImplementedError

    def roster_of_src(self, args):
        """The roster file ``src`` names (taken out of ``args``), found as ``template``'s ``src`` is and read here
        (``_roster_files``); None without ``src``."""
        src = args.pop('src', None)
        if src is None:
            return None
        if args.get('users') is not None:
            raise AnsibleActionFail('src and users are mutually exclusive: give the roster as a file (src) '
                                    'or as a list (users), not both')
        src = str(src)
        try:
            path = self._find_needle('files', src)
        except AnsibleError as err:
            raise AnsibleActionFail('src: the roster file %s is not found (%s)' % (src, err.message)) from None
        return read_roster(path, src)

    def hand_over(self, args, entries):
        """Give the module ``entries`` as the file ``src`` names, in the task's temporary directory (``_entry``'s
        entries file), rather than as its arguments: Ansible would copy 100,000 entries several times over into
        the module's payload, here and where the module runs. The file is written here, private, and put there
        as Ansible puts a module; it goes with the temporary directory when the task ends."""
        shell = self._connection._shell
        if shell.tmpdir is None:
            self._make_tmp_path()
        remote = shell.join_path(shell.tmpdir, ENTRIES_FILE)
        local_dir = tempfile.mkdtemp(prefix='testpress-roster-')
        try:
            local = os.path.join(local_dir, ENTRIES_FILE)
            write_private(local, entry_lines(entries))
            self._transfer_file(local, remote)
        finally:
            shutil.rmtree(local_dir, ignore_errors=True)
        # Private where it lands, as every file of students' data is (a local copy takes the umask's mode); then
        # readable by a become user as Ansible makes a module's files.
        self._remote_chmod([remote], 'u=rw,go=')
        self._fixup_perms2((shell.tmpdir, remote), execute=False)
        args['src'] = remote

    @staticmethod
    def report_src(result, roster):
        """The task's ``src`` in the invocation the result reports, not the thousands of entries it may hold."""
        module_args = (result.get('invocation') or {}).get('module_args')
        if isinstance(module_args, dict) and roster is not None and roster.name is not None:
            module_args.pop('users', None)
            module_args.pop('users_not_listed', None)
            module_args['src'] = roster.name
        return result

    def run_module(self, args, task_vars):
        wrap_async = self._task.async_val and not self._connection.has_native_async
        with self._progress(args, task_vars):
            result = self._execute_module(module_name=self.MODULE, module_args=args, task_vars=task_vars,
                                          wrap_async=wrap_async)
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def _progress(self, args, task_vars):
        """Progress lines while the module runs, where they can be shown: the module runs here, on the
        controller (a local connection, so its status file is a file of this machine), in the temporary
        directory Ansible makes for the task (not under an unprivileged become, where the module gets
        none), and not as an ``async`` task, which returns at once."""
        try:
            wanted = self.PROGRESS and boolean(args.get('progress', True), strict=False)
        except TypeError:
            wanted = False  # the module reports the bad value
        if (not wanted or self._task.async_val or getattr(self._connection, 'transport', None) != 'local'
                or self._is_become_unprivileged()):
            return contextlib.nullcontext()
        if self._connection._shell.tmpdir is None:
            # With pipelining Ansible makes none; the module is handed this one (_ansible_tmpdir).
            self._make_tmp_path()
        task_name = '%s [%s]' % (self.MODULE.rsplit('.', 1)[-1], (task_vars or {}).get('inventory_hostname', 'localhost'))
        return ProgressWatch(os.path.join(os.path.expanduser(self._connection._shell.tmpdir), STATUS_FILE),
                             task_name, display.display, interval=interval_setting(os.environ, display.warning))
