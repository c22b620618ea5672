# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_files: the one way a private file is written (0600 whatever stood there, atomic, no symbolic links)."""

from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.testpress.lms.plugins.module_utils._files import (
    PrivateFileError,
    holds,
    open_private_append,
    write_private,
)


def mode_of(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_a_new_file_is_private(tmp_path):
    target = tmp_path / 'export.yml'
    write_private(str(target), 'students\n')
    assert target.read_text() == 'students\n'
    assert mode_of(target) == 0o600


def test_an_open_file_is_replaced_by_a_private_one(tmp_path):
    target = tmp_path / 'export.yml'
    target.write_text('old')
    os.chmod(target, 0o666)
    old_inode = os.stat(target).st_ino
    write_private(str(target), b'new')
    assert target.read_bytes() == b'new'
    assert mode_of(target) == 0o600
    assert os.stat(target).st_ino != old_inode, 'written beside the target and renamed over it'


def test_a_mode_asked_for_is_kept(tmp_path):
    target = tmp_path / 'report.md'
    write_private(str(target), 'x', mode=0o640)
    assert mode_of(target) == 0o640


def test_a_symbolic_link_is_refused_and_its_target_untouched(tmp_path):
    elsewhere = tmp_path / 'elsewhere'
    elsewhere.write_text('theirs')
    os.chmod(elsewhere, 0o644)
    link = tmp_path / 'export.yml'
    link.symlink_to(elsewhere)
    with pytest.raises(PrivateFileError, match='symbolic link'):
        write_private(str(link), 'students')
    with pytest.raises(PrivateFileError, match='symbolic link'):
        open_private_append(str(link))
    assert elsewhere.read_text() == 'theirs'
    assert os.path.islink(link)


def test_no_temporary_file_is_left_when_the_write_fails(tmp_path):
    target = tmp_path / 'a-directory'
    target.mkdir()
    with pytest.raises(PrivateFileError, match='cannot be written'):
        write_private(str(target), 'x')
    assert sorted(p.name for p in tmp_path.iterdir()) == ['a-directory']


def test_a_missing_directory_is_named(tmp_path):
    target = tmp_path / 'missing' / 'export.yml'
    with pytest.raises(PrivateFileError) as raised:
        write_private(str(target), 'x')
    assert str(target) in str(raised.value)


def test_holds_compares_content_and_mode(tmp_path):
    target = tmp_path / 'export.yml'
    write_private(str(target), 'same')
    assert holds(str(target), 'same')
    assert not holds(str(target), 'other')
    assert not holds(str(target), 'same', mode=0o640)
    assert not holds(str(tmp_path / 'missing'), 'same')


def test_appending_creates_a_private_file_and_narrows_an_open_one(tmp_path):
    journal = tmp_path / 'journal.jsonl'
    with open_private_append(str(journal)) as out:
        out.write(b'{"a": 1}\n')
    assert mode_of(journal) == 0o600
    os.chmod(journal, 0o644)
    with open_private_append(str(journal)) as out:
        out.write(b'{"a": 2}\n')
    assert journal.read_bytes() == b'{"a": 1}\n{"a": 2}\n'
    assert mode_of(journal) == 0o600
