# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``journal_markdown``: a write journal (the ``journal`` option) as a "changes applied" report in Markdown.

Each write call of the journal is one table row, with how it ended (its last line). Every value from the
journal (accounts, fields, reasons) is a code span, as in ``drift_markdown``. Its documentation is in
``journal_markdown.yml``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.testpress.lms.plugins.filter.drift import MAX_CHARS, MAX_ROWS, _code, _limit, _plural
from ansible_collections.testpress.lms.plugins.module_utils._users import USER_FIELDS

NAME = 'journal_markdown'
# The personal column of the field table, by the API's names, as the journal names the fields it sets.
PERSONAL_FIELDS = set(field.api_name for field in USER_FIELDS if field.personal)
OUTCOMES = ('done', 'failed', 'unknown', 'sent')
LEFT_IN_FLIGHT = 'sent, no outcome: the run stopped'


def _parsed(journal):
    """The journal's lines as dicts: from its text, a list of its lines, or a list of parsed lines."""
    if isinstance(journal, str):
        journal = journal.splitlines()
    if not isinstance(journal, list):
        raise AnsibleFilterError('%s: expects a journal: its text (lookup of the file), or a list of its lines' % NAME)
    lines = []
    for number, line in enumerate(journal, 1):
        if isinstance(line, str):
            if not line.strip():
                continue
            try:
                line = json.loads(line)
            except ValueError:
                raise AnsibleFilterError('%s: line %d is not JSON: not a line of a journal' % (NAME, number)) from None
        if not isinstance(line, Mapping) or 'run' not in line or 'call' not in line or 'outcome' not in line:
            raise AnsibleFilterError('%s: line %d is not a journal line (it has no run, call and outcome)' % (NAME, number))
        lines.append(line)
    return lines


def _of_run(lines, run):
    runs = list(dict.fromkeys(line['run'] for line in lines))
    if run is None or not runs:
        return lines
    wanted = runs[-1] if run == 'last' else run
    if wanted not in runs:
        raise AnsibleFilterError('%s: no run %s in the journal; its runs, the last one last: %s'
                                 % (NAME, _code(run), ', '.join(runs[-5:])))
    return [line for line in lines if line['run'] == wanted]


def _calls(lines):
    """Each call's last line, in the order the calls were sent."""
    last = {}
    for line in lines:
        last[(line['run'], line['call'])] = line
    return list(last.values())


def _fields(line, redact):
    shown = []
    for name, value in (line.get('fields') or {}).items():
        if name == 'username':
            continue
        if redact and name in PERSONAL_FIELDS:
            shown.append('%s (set)' % name)
        elif isinstance(value, list):
            shown.append('%s %s' % (name, ', '.join(_code(item) for item in value) or '*none*'))
        elif isinstance(value, Mapping):
            shown.append('%s %s' % (name, ', '.join('%s %s' % (_code(key), _code(item)) for key, item in value.items())))
        else:
            shown.append('%s %s' % (name, _code(value)))
    shown += ['%s (set, not recorded)' % name for name in line.get('secret_fields') or ()]
    return '; '.join(shown) or '*none*'


def _outcome(line):
    outcome = line['outcome']
    if outcome == 'sent':
        return LEFT_IN_FLIGHT
    words = outcome + (' (%s)' % line['recovery'] if line.get('recovery') else '')
    if outcome != 'done' and line.get('reason'):
        words += ': %s' % _code(line['reason'])
    return words


def journal_markdown(journal, run=None, title='Changes applied', redact=False, max_rows=MAX_ROWS, max_chars=MAX_CHARS):
    """The writes of ``journal`` (of one ``run``, or the ``last``) as Markdown: the counts, then a row per write."""
    max_rows, max_chars = _limit('max_rows', max_rows, 0, NAME), _limit('max_chars', max_chars, 1000, NAME)
    if not isinstance(redact, bool):
        raise AnsibleFilterError('%s: redact must be true or false, got %s' % (NAME, type(redact).__name__))
    calls = _calls(_of_run(_parsed(journal), run))
    lines = ['# %s' % title, '']
    if not calls:
        lines.append('**No writes** in the journal.')
        return '\n'.join(lines) + '\n'
    counts = dict((outcome, sum(1 for call in calls if call['outcome'] == outcome)) for outcome in OUTCOMES)
    runs = list(dict.fromkeys(call['run'] for call in calls))
    accounts = set(call.get('account') for call in calls)
    where = ('run %s of %s' % (_code(runs[0]), ', '.join(sorted(set(call['module'] for call in calls))))
             if len(runs) == 1 else _plural(len(runs), 'run'))
    stopped = ', %d without an outcome (in flight when the run stopped)' % counts['sent'] if counts['sent'] else ''
    lines += ['**%s to %s** in %s (%s to %s): %d done, %d failed, %d unknown%s.'
              % (_plural(len(calls), 'write'), _plural(len(accounts), 'account'), where, calls[0].get('time'),
                 calls[-1].get('time'), counts['done'], counts['failed'], counts['unknown'], stopped), '']
    rows = ['| time | account | what | fields set | outcome |', '| --- | --- | --- | --- | --- |']
    size = sum(len(line) + 1 for line in lines + rows)
    shown = 0
    for call in calls:
        row = '| %s | %s | %s | %s | %s |' % (call.get('time'), _code(call.get('account')), _code(call.get('action')),
                                              _fields(call, redact), _outcome(call))
        if shown >= max_rows or size + len(row) + 80 > max_chars:
            break
        rows.append(row)
        size += len(row) + 1
        shown += 1
    if shown:
        lines += rows + ['']
    if shown < len(calls):
        lines.append('… and %d more write%s: see the journal itself.' % (len(calls) - shown, '' if len(calls) - shown == 1 else 's'))
    return '\n'.join(lines).rstrip('\n') + '\n'


class FilterModule:
    """Write journal reports."""

    def filters(self):
        return {'journal_markdown': journal_markdown}
