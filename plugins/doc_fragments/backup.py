# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The backup before a task's first write (argument spec: _backup.backup_argument_spec)."""

    DOCUMENTATION = r'''
options:
  backup:
    description:
      - Before its first write, write the current state of every account the task is about to change to a roster
        file (YAML, mode C(0600)) in O(backup_dir), and return its path as RV(backup_file).
      - Each account is written as an export writes it (profile, C(is_active), C(is_blocked), C(batches) with
        C(expires), C(courses)); an account the task creates is written with C(state) V(absent).
      - Applying the file with C(testpress.lms.testpress_roster) and O(testpress.lms.testpress_roster#module:membership=exact)
        restores every account the task changed, except passwords (never readable) and what the institute kept of a
        deleted account (its history; a deleted account is made again, and needs a first password or
        O(testpress.lms.testpress_roster#module:auto_generate_password)).
      - Nothing is written in check mode, or when the task changes nothing.
    type: bool
    default: false
  backup_dir:
    description:
      - The directory of the backup file, made (C(0700)) if missing.
      - Default, for C(testpress.lms.testpress_roster) with O(testpress.lms.testpress_roster#module:src), a
        C(backups) directory beside the roster file; otherwise the current directory of the task.
    type: path
'''
