# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The base of the collection's action plugins: do some work on the controller around one run of the
module of the same name, as Ansible's ``normal`` action runs it (check mode, async)."""

from __future__ import annotations

from ansible.plugins.action import ActionBase


class ModuleAction(ActionBase):
    """A subclass's ``run_with(args, task_vars)`` takes its controller options out of ``args`` (a copy of
    the task's), calls ``run_module(args, task_vars)`` to run ``MODULE``, and returns the result."""

    MODULE = None
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        result.update(self.run_with(dict(self._task.args), task_vars))
        return result

    def run_with(self, args, task_vars):
        raise NotImplementedError

    def run_module(self, args, task_vars):
        wrap_async = self._task.async_val and not self._connection.has_native_async
        result = self._execute_module(module_name=self.MODULE, module_args=args, task_vars=task_vars,
                                      wrap_async=wrap_async)
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result
