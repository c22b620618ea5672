#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Import the built tarball with galaxy-importer, the check Galaxy and Automation Hub run on every upload: its
# metadata, docs, ansible-doc and ansible-lint checks. Its ansible-test step is off (it wants a container; make
# sanity runs ansible-test). Any ERROR or WARNING it reports fails, as a failed import would.
# galaxy-importer runs from its own venv (.build/galaxy-importer, requirements-galaxy-importer.txt), whose
# ansible-doc and ansible-lint come first on PATH.
#
# Usage: scripts/galaxy_importer.sh [TARBALL]    (default: the one scripts/build.sh wrote)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD_DIR="${BUILD_DIR:-$ROOT/.build}"
shopt -s nullglob
built=("$BUILD_DIR"/dist/testpress-lms-*.tar.gz)
artifact="${1:-${built[0]:-}}"
[[ -f "$artifact" ]] || { echo "no collection tarball to import: run 'make build'" >&2; exit 2; }
artifact="$(cd "$(dirname "$artifact")" && pwd -P)/$(basename "$artifact")"

bin="$("$ROOT/scripts/pinned_venv.sh" galaxy-importer 3.11)"
work="$BUILD_DIR/galaxy-importer-run"
rm -rf "$work"
mkdir -p "$work"
cat > "$work/galaxy-importer.cfg" <<'CFG'
[galaxy-importer]
RUN_ANSIBLE_TEST = False
RUN_ANSIBLE_LINT = True
RUN_ANSIBLE_DOC = True
CHECK_REQUIRED_TAGS = False
CFG

# It writes importer_result.json into the current directory.
cd "$work"
status=0
PATH="$bin:$PATH" GALAXY_IMPORTER_CONFIG="$work/galaxy-importer.cfg" \
    "$bin/python" -m galaxy_importer.main "$artifact" >"$work/import.log" 2>&1 || status=$?
if [[ $status -ne 0 || ! -s importer_result.json ]] || grep -qE '^(ERROR|WARNING|CRITICAL)' import.log; then
    cat import.log >&2
    echo "galaxy-importer: $(basename "$artifact") would not import cleanly (exit $status; errors and warnings above; log $work/import.log)" >&2
    exit 1
fi
version="$("$bin/python" -c 'import importlib.metadata as m; print(m.version("galaxy-importer"))')"
echo "galaxy-importer $version: $(basename "$artifact") imports with no error or warning"
