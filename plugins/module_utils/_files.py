# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one way a file with students' data, a plan or a journal is written.

Such a file is private (``0600``) from its first byte, whatever stood at its path before: a new file is
written beside the target and renamed over it, so a reader never sees half of it and no mode is inherited
from an old file. A symbolic link at the target is refused: writing through it would put the data wherever
the link points, in a file someone else may own.
"""

from __future__ import annotations

import errno
import os
import tempfile

PRIVATE_MODE = 0o600


class PrivateFileError(Exception):
    """A private file that cannot be written; the message names the path and why."""


def _refuse_link(path):
    if os.path.islink(path):
        raise PrivateFileError(
            '%s is a symbolic link: files with students\' data are not written through links; '
            'remove the link or name a plain file' % path)


def _fsync_directory(directory):
    """Make a rename durable; a file system that cannot sync a directory is left as it is."""
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def holds(path, data, mode=PRIVATE_MODE):
    """True when ``path`` is a plain file holding exactly ``data`` (str or bytes) with exactly ``mode``."""
    if isinstance(data, str):
        data = data.encode('utf-8')
    try:
        if os.path.islink(path) or os.stat(path).st_mode & 0o7777 != mode:
            return False
        with open(path, 'rb') as handle:
            return handle.read() == data
    except OSError:
        return False


def write_private(path, data, mode=PRIVATE_MODE):
    """Write ``data`` to ``path`` with ``mode``: a new file, synced, renamed over the target. ``data``: str or
    bytes, or an iterable of them written one after the other (a large file never whole in memory)."""
    chunks = [data] if isinstance(data, (str, bytes)) else data
    _refuse_link(path)
    directory = os.path.dirname(os.path.abspath(path))
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix='.%s.' % os.path.basename(path))
    except OSError as err:
        raise PrivateFileError('%s: cannot be written: %s' % (path, err.strerror)) from None
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, 'wb') as out:
            for chunk in chunks:
                out.write(chunk.encode('utf-8') if isinstance(chunk, str) else chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException as err:
        # Whatever stopped it (a chunk that could not be made, an interrupt), no half-written file is left.
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise PrivateFileError('%s: cannot be written: %s' % (path, err.strerror)) from None
        raise
    _fsync_directory(directory)


def open_private_append(path):
    """A binary file object appending to ``path``: created ``0600`` if new, an existing one narrowed to ``0600``."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0)
    _refuse_link(path)
    try:
        handle = os.open(path, flags, PRIVATE_MODE)
    except OSError as err:
        if err.errno == errno.ELOOP:
            _refuse_link(path)
        raise PrivateFileError('%s: cannot be written: %s' % (path, err.strerror)) from None
    try:
        os.fchmod(handle, PRIVATE_MODE)
    except OSError as err:
        os.close(handle)
        raise PrivateFileError('%s: cannot be made private: %s' % (path, err.strerror)) from None
    return os.fdopen(handle, 'ab')
