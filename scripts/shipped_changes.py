# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Say which files of a built tarball are not as the last commit has them.

scripts/build.sh builds from the files git tracks as they are in the work tree, uncommitted edits included:
this names each shipped file that differs from HEAD (and each tracked file deleted, so not shipped), so that
an artifact built from a dirty tree is never mistaken for the commit. A warning, on stderr; exits 0.

Usage: python3 scripts/shipped_changes.py TARBALL
"""
from __future__ import annotations

import os
import subprocess
import sys
import tarfile

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
WORDS = {'M': 'modified', 'A': 'added', 'D': 'deleted, so not shipped', 'T': 'changed type'}


def git(*args):
    return subprocess.run(['git', '-C', ROOT] + list(args), capture_output=True, text=True, check=False)


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    with tarfile.open(argv[1]) as artifact:
        shipped = set(artifact.getnames())
    head = git('rev-parse', '--short', 'HEAD')
    if head.returncode != 0:
        if git('rev-parse', '--git-dir').returncode == 0:
            print('WARNING: the repository has no commit yet: every one of the %d files shipped in %s is uncommitted'
                  % (len(shipped), os.path.basename(argv[1])), file=sys.stderr)
        return
    changed = []
    for line in git('diff', '--name-status', '--no-renames', 'HEAD').stdout.splitlines():
        status, _tab, path = line.partition('\t')
        if path in shipped or status[:1] == 'D':
            changed.append('%s (%s)' % (path, WORDS.get(status[:1], status)))
    if changed:
        print('WARNING: %s holds %d file%s not as commit %s has them (uncommitted changes; the tarball has them as the '
              'work tree does): %s. Commit them, or stash them and build again, before releasing it.'
              % (os.path.basename(argv[1]), len(changed), '' if len(changed) == 1 else 's', head.stdout.strip(),
                 ', '.join(changed)), file=sys.stderr)


if __name__ == '__main__':
    main(sys.argv)
