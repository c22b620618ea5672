#!/usr/bin/env bash
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# The demo, against the bundled Testpress API simulator, with the collection as built and
# installed by scripts/build.sh. It tells the GitOps story and checks every step:
#   1. provision.yml twice: three students; the second run changes nothing (idempotence)
#   2. export.yml: the institute as a roster file
#   3. audit.yml of that export: no drift
#   4. another admin changes one student on the platform
#   5. audit.yml: the drift report names that student, and nothing is written
#   6. roster.yml applies the export: the student is put back
#   7. audit.yml: no drift again
# The simulator is always stopped, whatever happens.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
BUILD_DIR="${BUILD_DIR:-$ROOT/.build}"
cd "$ROOT"

for tool in ansible-playbook ansible-galaxy ansible; do
    command -v "$tool" >/dev/null || { echo "$tool not found: run 'make demo' (it uses .venv)" >&2; exit 2; }
done
[[ -f tests/simulator/__main__.py ]] || { echo "tests/simulator/__main__.py not found" >&2; exit 2; }

"$ROOT/scripts/build.sh"

PY="$(dirname "$(command -v ansible-playbook)")/python"
[[ -x "$PY" ]] || PY=python3
PORT="${DEMO_PORT:-$(python3 "$ROOT/scripts/free_port.py")}"
LOG="$BUILD_DIR/demo"
rm -rf "$LOG"
mkdir -p "$LOG"

SIM_PID=""
stop_simulator() {
    if [[ -n "$SIM_PID" ]] && kill -0 "$SIM_PID" 2>/dev/null; then
        kill -TERM "$SIM_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SIM_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SIM_PID" 2>/dev/null || true
        wait "$SIM_PID" 2>/dev/null || true
        echo "== simulator stopped"
    fi
}
trap stop_simulator EXIT
trap 'exit 130' INT TERM

"$PY" tests/simulator --host 127.0.0.1 --port "$PORT" >"$LOG/simulator.log" 2>&1 &
SIM_PID=$!
URL="http://127.0.0.1:$PORT"

# Wait until it answers (any HTTP status counts as an answer).
for i in $(seq 100); do
    if "$PY" - "$URL" <<'PY' 2>/dev/null; then break; fi
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(sys.argv[1] + "/", timeout=1)
except urllib.error.HTTPError:
    pass
PY
    if ! kill -0 "$SIM_PID" 2>/dev/null; then
        echo "the simulator exited early:" >&2; cat "$LOG/simulator.log" >&2; exit 1
    fi
    if [[ $i -eq 100 ]]; then
        echo "the simulator did not answer on $URL within 10 s" >&2; cat "$LOG/simulator.log" >&2; exit 1
    fi
    sleep 0.1
done
echo "== simulator listening on $URL (pid $SIM_PID)"

export TESTPRESS_URL="$URL" TESTPRESS_USERNAME=admin TESTPRESS_PASSWORD=admin-pass
export ANSIBLE_COLLECTIONS_PATH="$BUILD_DIR/collections"
export ANSIBLE_PYTHON_INTERPRETER="$PY"
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export ANSIBLE_FORCE_COLOR="${ANSIBLE_FORCE_COLOR:-false}" ANSIBLE_NOCOLOR="${ANSIBLE_NOCOLOR:-}"

PLAYBOOKS="$BUILD_DIR/collections/ansible_collections/testpress/lms/playbooks"
EXPORT="$LOG/export.yml"
step=0
play() {
    local name="$1"; shift
    step=$((step + 1))
    echo "== step $step: ansible-playbook $name $*"
    ansible-playbook "$PLAYBOOKS/$name" "$@" 2>&1 | tee "$LOG/step$step.out"
}
recap() { sed -n '/^PLAY RECAP/,$p' "$LOG/step$step.out" | grep -E ' ok=[0-9]+' || true; }
fail() { echo "FAIL: $*" >&2; exit 1; }
audit() { play audit.yml -e roster_file="$EXPORT" -e report_dir="$LOG/report$((step + 1))"; REPORT="$LOG/report$step/drift-report.md"; }

play provision.yml
play provision.yml
grep -qE ' changed=0 .* failed=0 ' <<<"$(recap)" || fail "the second provision run was not idempotent: $(recap)"

play export.yml -e export_file="$EXPORT"
[[ -s "$EXPORT" ]] || fail "export.yml wrote no roster"

audit
grep -q '\*\*No drift\*\*' "$REPORT" || fail "the audit of a fresh export found drift: $(cat "$REPORT")"
grep -qE ' changed=0 .* failed=0 ' <<<"$(recap)" || fail "a clean audit reported a change: $(recap)"

step=$((step + 1))
echo "== step $step: another admin renames ravi on the platform"
ansible localhost -m testpress.lms.testpress_user -a "username=ravi first_name=Ravindra" >"$LOG/step$step.out" 2>&1 \
    || { cat "$LOG/step$step.out" >&2; fail "could not change ravi"; }

audit
# shellcheck disable=SC2016  # the backticks are the report's Markdown, matched literally
grep -qF '| `ravi` | first_name | `Ravindra` | `Ravi` |' "$REPORT" || fail "the audit did not name ravi's first name: $(cat "$REPORT")"
echo "== the drift report ($REPORT):"
cat "$REPORT"

play roster.yml -e roster_file="$EXPORT"
grep -qE ' changed=1 .* failed=0 ' <<<"$(recap)" || fail "roster.yml did not put ravi back: $(recap)"

audit
grep -q '\*\*No drift\*\*' "$REPORT" || fail "drift is left after roster.yml: $(cat "$REPORT")"
grep -qE ' changed=0 .* failed=0 ' <<<"$(recap)" || fail "the audit after roster.yml reported a change: $(recap)"
echo "== demo OK: provisioned, exported, audited clean, drift found and reported, applied, audited clean"
