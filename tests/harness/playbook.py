# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Integration harness: run the real ``ansible-playbook`` against the API simulator.

``run_playbook(tasks_or_playbook, check=False, diff=False, extra_vars=None, verbosity=None, env=None,
expect_failure=False)`` returns a :class:`PlaybookRun` with ``rc``, ``stdout`` (stdout and stderr of
ansible-playbook, default callback, no colour), ``results`` (every task result in order, each with
``task``, ``changed``, ``failed``, ``skipped`` and the module's return values, plus ``_status`` ok/failed/
skipped/unreachable, ``_action``, ``_host``, ``_index`` and, on failure, ``_ignore_errors``; a looped task is
one result whose ``results`` lists the items), ``log`` (the simulator requests made during the run) and
``writes`` (the write requests among them, login excluded). ``run.result("task name")`` finds a result and
``run.output_of("task name")`` the output printed under that task's header. ``run_playbook_shared`` is the same for
a module-scoped fixture: one run whose tasks several tests read.
``inventory`` and ``forks`` are passed to ansible-playbook as ``-i`` and ``--forks``.
``kill_when``: a callable polled while the run goes on; when it returns true the run is killed (SIGKILL to
ansible-playbook and every process below it: its workers, each in a session of its own, and the modules they
run), and the run is returned as it stands, whatever ``expect_failure`` says, with ``killed`` (``{pid: command
line}`` of the processes killed) and ``survivors`` (those of them still running 5 s later: none, or the test fails).
Runs are at ``-vvvv`` unless ``verbosity`` (or TESTPRESS_TEST_VERBOSITY) says otherwise, and every run is
scanned for secrets (``secrets_seen``): a password, token or password hash in the output or the
results fails the test, unless ``scan_secrets=False`` (a test that hands a token to the play on purpose).

``tasks_or_playbook`` is a list of task dicts (wrapped in one play on the implicit localhost, no fact
gathering, ``module_defaults`` for ``group/testpress.lms.testpress`` pointing at the simulator as admin)
or the path of a playbook file. TESTPRESS_URL / TESTPRESS_USERNAME / TESTPRESS_PASSWORD are set for both;
``env={"NAME": None}`` removes a variable.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from ansible_collections.testpress.lms.tests.harness import ADMIN_PASSWORD, ADMIN_USERNAME, REPO_ROOT
from ansible_collections.testpress.lms.tests.harness.processes import kill_tree, survivors

CALLBACK_DIR = Path(__file__).resolve().parent / "callback_plugins"
CALLBACK_NAME = "testpress_results"
RESULTS_ENV = "TESTPRESS_TEST_RESULTS"
LOGIN_PATH = "/api/v2.5/auth-token/"
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
RUN_TIMEOUT = int(os.environ.get("TESTPRESS_PLAYBOOK_TIMEOUT", "600"))
# Every run is as verbose as Ansible gets (-vvvv), so that the secret scan of every run sees the most a
# user's log could show: module arguments, results and connection details.
VERBOSITY = int(os.environ.get("TESTPRESS_TEST_VERBOSITY", "4"))
# The ansible-core under test. TESTPRESS_ANSIBLE_BIN names the bin directory of another venv (a version leg of
# make test, make test-cores): its ansible-playbook runs the plays and its python runs the modules, while
# pytest, the simulator and the checks stay in this venv. Unset: this venv's own ansible-core.
ANSIBLE_BIN = Path(os.environ["TESTPRESS_ANSIBLE_BIN"]) if os.environ.get("TESTPRESS_ANSIBLE_BIN") else None
MODULE_PYTHON = str(ANSIBLE_BIN / "python") if ANSIBLE_BIN else sys.executable


@dataclass
class PlaybookRun:
    """What one ansible-playbook run did."""

    rc: int
    stdout: str
    results: list = field(default_factory=list)
    log: list = field(default_factory=list)
    writes: list = field(default_factory=list)
    command: list = field(default_factory=list)
    playbook: str = ""
    killed: dict = field(default_factory=dict)
    survivors: dict = field(default_factory=dict)

    def result(self, task):
        """The (last) result of the task with this name; KeyError if there is none."""
        for entry in reversed(self.results):
            if entry.get("task") == task:
                return entry
        raise KeyError("no result for task %r; tasks run: %r" % (task, [r.get("task") for r in self.results]))

    def output_of(self, task):
        """The part of ``stdout`` the task printed: from its ``TASK [name]`` header to the next header or the recap."""
        header = "TASK [%s]" % task
        if header not in self.stdout:
            raise KeyError("no output for task %r in:\n%s" % (task, self.stdout))
        section = self.stdout.split(header, 1)[1]
        return re.split(r"^(?:TASK \[|RUNNING HANDLER \[|PLAY \[|PLAY RECAP )", section, maxsplit=1, flags=re.M)[0]

    @property
    def changed(self):
        """True when any task reported a change."""
        return any(r.get("changed") for r in self.results)

    def __str__(self):
        return "ansible-playbook rc=%s\n%s" % (self.rc, self.stdout)


def _collections_path():
    """The ANSIBLE_COLLECTIONS_PATH under which ansible_collections/testpress/lms is this repo."""
    configured = os.environ.get("ANSIBLE_COLLECTIONS_PATH") or os.environ.get("ANSIBLE_COLLECTIONS_PATHS")
    for entry in (configured or "").split(os.pathsep):
        candidate = Path(entry, "ansible_collections", "testpress", "lms")
        if entry and candidate.exists() and candidate.resolve() == REPO_ROOT:
            return entry
    # tests/conftest.py normally provides this; make our own symlink tree otherwise.
    root = Path(tempfile.mkdtemp(prefix="testpress-lms-collections-"))
    (root / "ansible_collections" / "testpress").mkdir(parents=True)
    (root / "ansible_collections" / "testpress" / "lms").symlink_to(REPO_ROOT, target_is_directory=True)
    return str(root)


def _ansible_playbook():
    if ANSIBLE_BIN:
        return [str(ANSIBLE_BIN / "ansible-playbook")]
    sibling = Path(sys.executable).parent / "ansible-playbook"
    if sibling.exists():
        return [str(sibling)]
    found = shutil.which("ansible-playbook")
    if found:
        return [found]
    return [sys.executable, "-m", "ansible.cli.playbook"]


def _is_write(entry):
    method = str(entry.get("method", "")).upper()
    return method in WRITE_METHODS and not (method == "POST" and entry.get("path") == LOGIN_PATH)


def _writes_of(simulator, entries):
    """Entries of this run that Simulator.writes() counts, by identity when the simulator shares its dicts."""
    writes = getattr(simulator, "writes", None)
    if callable(writes):
        ids = {id(e) for e in entries}
        shared = [e for e in writes() if id(e) in ids]
        if shared or not any(_is_write(e) for e in entries):
            return shared
    return [e for e in entries if _is_write(e)]


def _execute(command, workdir, env, kill_when=None):
    """Run ansible-playbook; ``(returncode, output, killed)``. With ``kill_when`` (a callable polled every 10 ms),
    ansible-playbook and every process below it (workers, modules) get SIGKILL as soon as it returns true: a CI
    job killed mid-run. The returncode is then -9 and ``killed`` is kill_tree's answer (else empty)."""
    killed = {}
    with subprocess.Popen(command, cwd=str(workdir), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, start_new_session=True) as proc:
        reader = _Reader(proc.stdout)
        deadline = time.monotonic() + RUN_TIMEOUT
        while proc.poll() is None:
            if kill_when is not None and kill_when():
                killed = kill_tree(proc.pid)
                proc.wait()
            elif time.monotonic() > deadline:
                kill_tree(proc.pid)
                proc.wait()
                pytest.fail("ansible-playbook did not finish within %d s:\n%s" % (RUN_TIMEOUT, reader.text()))
            time.sleep(0.01)
        return proc.returncode, reader.text(), killed


class _Reader(threading.Thread):
    """Drains a pipe while the process runs, so a chatty run never blocks on a full pipe."""

    def __init__(self, pipe):
        super().__init__(daemon=True)
        self._pipe = pipe
        self._chunks = []
        self.start()

    def run(self):
        for chunk in iter(self._pipe.readline, ''):
            self._chunks.append(chunk)

    def text(self):
        self.join(30)
        return ''.join(self._chunks)


def password_in(password, text):
    """True when ``password`` shows in ``text``: anywhere when it has 4 characters or more; a shorter one as a
    whole token (not inside a longer run of letters and digits). Inside a word, 3 characters or fewer turn up by
    chance in any output ("abc" in "abcd"), so a scan there would fail clean runs; the tests of a short password
    glued to a word assert on that message itself. A test's short password must not be an ordinary token of
    Ansible's output ("ok", "0"): mixed case and digits, such as "Q7z"."""
    if len(password) >= 4:
        return password in text
    return re.search(r"(?<![A-Za-z0-9])%s(?![A-Za-z0-9])" % re.escape(password), text) is not None


def secrets_seen(simulator, run, text=None):
    """What kinds of secret appear in a run's output or task results (or in ``text``, a file the run wrote): the
    passwords the simulator received (logins, creates, updates; of any length, see password_in), the admin
    password, every token it issued, and any password hash."""
    if text is None:
        text = run.stdout + "\n" + json.dumps(run.results, default=str)
    found = []
    passwords = set([ADMIN_PASSWORD])
    for entry in run.log:
        body = entry.get("body")
        if isinstance(body, dict) and isinstance(body.get("password"), str) and body["password"]:
            passwords.add(body["password"])
    if any(password_in(password, text) for password in passwords):
        found.append("a password")
    if any(token in text for token in list(simulator.tokens)):
        found.append("a token")
    if "password_hash" in text or "pbkdf2_sha256$" in text:
        found.append("a password hash")
    return found


@pytest.fixture(scope="session")
def _collections_root():
    return _collections_path()


def _runner(simulator, tmp_path, _collections_root):
    """The ``run`` function of run_playbook and run_playbook_shared: each run in a directory of its own under tmp_path."""
    counter = [0]

    def run(tasks_or_playbook, check=False, diff=False, extra_vars=None, verbosity=None, env=None, expect_failure=False,
            scan_secrets=True, kill_when=None, inventory=None, forks=None):
        counter[0] += 1
        workdir = tmp_path / ("run%d" % counter[0])
        workdir.mkdir()
        results_file = workdir / "results.jsonl"

        if isinstance(tasks_or_playbook, (str, os.PathLike)):
            playbook = Path(tasks_or_playbook)
            if not playbook.is_absolute():
                playbook = (REPO_ROOT / playbook) if (REPO_ROOT / playbook).exists() else playbook.resolve()
        else:
            play = {
                "name": "run_playbook",
                "hosts": "localhost",
                "gather_facts": False,
                "module_defaults": {
                    # The password comes from TESTPRESS_PASSWORD: Ansible prints a failed task's playbook
                    # lines, and a password written there would be a leak of the harness, not the collection.
                    "group/testpress.lms.testpress": {
                        "api_url": simulator.url,
                        "api_username": ADMIN_USERNAME,
                    },
                },
                "tasks": list(tasks_or_playbook),
            }
            playbook = workdir / "playbook.yml"
            playbook.write_text(yaml.safe_dump([play], sort_keys=False, default_flow_style=False))

        all_vars = {"ansible_python_interpreter": MODULE_PYTHON}
        all_vars.update(extra_vars or {})
        vars_file = workdir / "extra_vars.json"
        vars_file.write_text(json.dumps(all_vars))

        command = _ansible_playbook() + [str(playbook), "-e", "@%s" % vars_file]
        if check:
            command.append("--check")
        if diff:
            command.append("--diff")
        if verbosity is None:
            verbosity = VERBOSITY
        if verbosity:
            command.append("-" + "v" * int(verbosity))
        if inventory:
            command += ["-i", str(inventory)]
        if forks:
            command += ["--forks", str(forks)]

        run_env = dict(os.environ)
        run_env.update(
            ANSIBLE_COLLECTIONS_PATH=_collections_root,
            ANSIBLE_CALLBACK_PLUGINS=str(CALLBACK_DIR),
            ANSIBLE_CALLBACKS_ENABLED=CALLBACK_NAME,
            ANSIBLE_STDOUT_CALLBACK="default",
            ANSIBLE_LOAD_CALLBACK_PLUGINS="1",
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORCE_COLOR="0",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_LOCALHOST_WARNING="0",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
            ANSIBLE_LOCAL_TEMP=str(workdir / "tmp"),
            ANSIBLE_PYTHON_INTERPRETER=MODULE_PYTHON,
            PYTHONDONTWRITEBYTECODE="1",
            TESTPRESS_URL=simulator.url,
            TESTPRESS_USERNAME=ADMIN_USERNAME,
            TESTPRESS_PASSWORD=ADMIN_PASSWORD,
        )
        run_env.pop("ANSIBLE_CONFIG", None)
        run_env.pop("ANSIBLE_COLLECTIONS_PATHS", None)
        run_env[RESULTS_ENV] = str(results_file)
        for key, value in (env or {}).items():
            if value is None:
                run_env.pop(key, None)
            else:
                run_env[key] = str(value)

        start = len(simulator.log)
        rc, stdout, killed = _execute(command, workdir, run_env, kill_when)
        entries = list(simulator.log)[start:]

        results = []
        if results_file.exists():
            with results_file.open(encoding="utf-8") as handle:
                results = [json.loads(line) for line in handle if line.strip()]

        outcome = PlaybookRun(
            rc=rc, stdout=stdout, results=results, log=entries,
            writes=_writes_of(simulator, entries), command=command, playbook=str(playbook),
            killed={pid: command for pid, (_started, command) in killed.items()}, survivors=survivors(killed),
        )
        if scan_secrets:
            seen = secrets_seen(simulator, outcome)
            if seen:
                pytest.fail("secrets reached ansible-playbook's output or results: %s\n%s" % (', '.join(seen), outcome.stdout))
        if kill_when is not None:
            if outcome.survivors:
                pytest.fail("processes of the killed run survived SIGKILL: %r" % outcome.survivors)
            return outcome
        if expect_failure and outcome.rc == 0:
            pytest.fail("ansible-playbook was expected to fail but succeeded:\n%s" % outcome.stdout)
        if not expect_failure and outcome.rc != 0:
            pytest.fail("ansible-playbook failed (rc=%d):\n%s" % (outcome.rc, outcome.stdout))
        return outcome

    return run


@pytest.fixture
def run_playbook(simulator, tmp_path, _collections_root):
    """Run tasks or a playbook with the real ansible-playbook against the simulator (see module doc)."""
    return _runner(simulator, tmp_path, _collections_root)


@pytest.fixture(scope="module")
def run_playbook_shared(_simulator_server, tmp_path_factory, _collections_root):
    """run_playbook for a module-scoped fixture whose one run several tests read, each asserting on its own task
    (``run.result(name)``, ``run.output_of(name)``): cases that change nothing, such as check-mode runs, then cost
    one ansible-playbook start between them instead of one each. Each run starts from the seed (the simulator is
    reset first); the fixture must take what the tests check of the server's state after the run at once, since
    the next test resets the simulator. ``run_playbook_shared.simulator`` is the simulator."""
    runner = _runner(_simulator_server, tmp_path_factory.mktemp("shared-run"), _collections_root)

    def run(*args, **kwargs):
        _simulator_server.reset()
        return runner(*args, **kwargs)

    run.simulator = _simulator_server
    return run


def run_cases(run, tasks, check=False, diff=False, failing=False):
    """One run (``run``: run_playbook_shared) of ``tasks`` named "case 0", "case 1", ... (``run.result("case 1")``), each
    one case of a parametrized test that changes nothing on the server. ``failing``: every task fails, before any
    write: each gets ignore_errors, so that the cases after a failed one run too, and each test asserts its own
    case's ``failed``."""
    extra = {"ignore_errors": True} if failing else {}
    return run([dict(task, name="case %d" % index, **extra) for index, task in enumerate(tasks)], check=check, diff=diff)


@pytest.fixture(scope="session")
def module_examples():
    """``module_examples("testpress_user")`` -> the tasks of that module's EXAMPLES, to run as a test."""

    def examples(module):
        source = REPO_ROOT / "plugins" / "modules" / (module + ".py")
        for node in ast.parse(source.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and [target.id for target in node.targets] == ["EXAMPLES"]:
                return yaml.safe_load(node.value.value)
        raise AssertionError("no EXAMPLES in %s" % source)

    return examples


@pytest.fixture
def trap_users(simulator):
    """``trap_users()`` adds accounts that meet every surprise of the API (docs/api-behaviour.md): state read
    back as a name, both date formats, custom field names in another case, 25 batches (more than a page, and
    more than the list embeds), expiries, a batch name shared by two batches, emails in capitals."""

    def seed():
        simulator.add_custom_field('Guardian')
        simulator.add_batch('UPSC Morning Batch')  # a second batch of that name: exported by id
        simulator.add_user('many', first_name='Many', email='Many@Example.com', birth_date='01/02/2003', state='IN-OR',
                           batches=['Batch %02d' % number for number in range(1, 26)], expires='2031-03-31',
                           courses=['Course %02d' % number for number in range(1, 22)])
        simulator.add_user('ascii', first_name='Åsa', last_name='Ñandú', city='Chennai, TN', state='IN-TS',
                           custom_fields={'guardian': 'Mr "K", Sr.'}, courses=['language-training'])
        with simulator._lock:
            morning = sorted(batch['id'] for batch in simulator.batches.values() if batch['name'] == 'UPSC Morning Batch')
            simulator._by_username['ascii']['batches'][morning[1]] = {'id': 9001, 'expires': None}

    return seed
