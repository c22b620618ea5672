# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Copy the collection's source files into DEST (a physical copy, no symlink).

The file list is what git would see: tracked files plus untracked files that
.gitignore does not exclude (so .venv/, .build/, .ansible/ ... stay out).
With --tracked, tracked files only: what a release is built from, so that an
untracked file (a roster exported with students' personal data) never ships;
and a tracked symbolic link that leads out of the repository, or to a file git
does not track, is refused (the build would ship the content it points at).
Outside a git work tree, a fixed exclude list is used instead.

Usage: python3 scripts/copy_tree.py [--tracked] DEST    (DEST is emptied first)
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

EXCLUDE_DIRS = {
    ".git", ".venv", ".build", ".ansible", ".pytest_cache", ".mypy_cache", ".ruff_cache",
    ".tox", "__pycache__", "output",
}
EXCLUDE_SUFFIXES = (".pyc", ".pyo", ".tar.gz")


def git_files(root, tracked_only=False):
    listing = ["--cached"] if tracked_only else ["--cached", "--others", "--exclude-standard"]
    try:
        out = subprocess.run(
            ["git", "-C", root, "ls-files", "-z"] + listing,
            check=True, capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    top = subprocess.run(["git", "-C", root, "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=False).stdout.strip()
    if os.path.realpath(top) != os.path.realpath(root):
        return None
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]


def links_leaving(root, files):
    """``[(path, target, why)]``: each tracked symbolic link leading out of the repository, or to something in it
    that git does not track (``ansible-galaxy collection build`` would ship what it points at)."""
    tracked = set(files)
    found = []
    for rel in files:
        path = os.path.join(root, rel)
        if not os.path.islink(path):
            continue
        target = os.path.realpath(path)
        inside = os.path.relpath(target, root)
        if not target.startswith(root + os.sep):
            found.append((rel, os.readlink(path), 'leads out of the repository'))
        elif not (inside in tracked or os.path.isdir(target) and any(name.startswith(inside + os.sep) for name in tracked)):
            found.append((rel, os.readlink(path), 'leads to %s, which git does not track' % inside))
    return found


def walk_files(root):
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        dirnames[:] = [d for d in dirnames if d not in EXCLUDE_DIRS]
        for name in filenames:
            if name.endswith(EXCLUDE_SUFFIXES):
                continue
            files.append(os.path.normpath(os.path.join(rel, name)))
    return files


def main():
    args = sys.argv[1:]
    tracked_only = args[:1] == ["--tracked"]
    if tracked_only:
        args = args[1:]
    if len(args) != 1:
        sys.exit(__doc__)
    root = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
    dest = os.path.abspath(args[0])
    if os.path.realpath(dest).startswith(root + os.sep) and not os.path.relpath(dest, root).startswith((".build", ".venv")):
        sys.exit("refusing to copy into %s (inside the source tree)" % dest)
    files = git_files(root, tracked_only)
    if files is None:
        files = walk_files(root)
    leaving = links_leaving(root, files) if tracked_only else []
    if leaving:
        sys.exit('refusing to build: %s; the tarball would ship the content of what a link points at. Commit the '
                 'file itself instead of a link, or git rm the link.'
                 % '; '.join('the tracked symbolic link %s -> %s %s' % link for link in leaving))
    if os.path.lexists(dest):
        shutil.rmtree(dest) if os.path.isdir(dest) and not os.path.islink(dest) else os.unlink(dest)
    os.makedirs(dest)
    count = 0
    for rel in files:
        src = os.path.join(root, rel)
        if not os.path.lexists(src) or os.path.isdir(src) and not os.path.islink(src):
            continue  # deleted from the work tree, or a submodule
        target = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(src, target, follow_symlinks=False)
        count += 1
    print("copied %d files to %s" % (count, dest))


if __name__ == "__main__":
    main()
