# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``drift_report`` and ``drift_markdown``: a roster task's result (check mode: the audit) as a report.

``drift_report`` gives the rows a reviewer reads (user, what differs, platform value, roster value)
with the summary; ``drift_markdown`` renders them as a Markdown table for a pull request. Their
documentation is in ``drift_report.yml`` and ``drift_markdown.yml``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

ABSENT = '(none)'
MEMBERSHIP_MOVES = (
    ('added', 'not a member', 'member'),
    ('removed', 'member', 'not a member'),
)


def _shown(value):
    if value is None or value == '':
        return '(empty)'
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, Mapping):
        return ', '.join('%s: %s' % (name, _shown(item)) for name, item in sorted(value.items()))
    return str(value)


def _rows_of(change):
    username, action = change['username'], change['action']
    if action == 'create':
        yield username, 'account', ABSENT, 'created'
    elif action == 'delete':
        yield username, 'account', 'exists', 'deleted'
    elif action == 'deactivate':
        yield username, 'is_active (not in the roster)', 'true', 'false'
    before, after = change.get('before') or {}, change.get('after') or {}
    if action != 'deactivate':
        for option in sorted(after):
            if option != 'username':
                yield username, option, _shown(before.get(option, ABSENT if action == 'create' else None)), _shown(after[option])
    for kind in ('batches', 'courses'):
        moved = change.get(kind) or {}
        for key, platform, roster in MEMBERSHIP_MOVES:
            for name in moved.get(key, []):
                yield username, '%s: %s' % (kind, name), platform, roster
        for name in moved.get('expiry_updated', []):
            yield username, '%s: %s' % (kind, name), 'another end date', 'ends %s' % moved.get('expires')
        if moved.get('expires') and moved.get('added'):
            yield username, '%s: end date of the added' % kind, ABSENT, moved['expires']


def drift_report(result):
    """``{clean, summary, rows}`` from a ``testpress_roster`` result; each row ``{user, what, platform, roster}``."""
    if not isinstance(result, Mapping) or not isinstance(result.get('summary'), Mapping) or 'changes' not in result:
        raise AnsibleFilterError('drift_report: expects the registered result of a testpress.lms.testpress_roster task')
    rows = [{'user': user, 'what': what, 'platform': platform, 'roster': roster}
            for change in result['changes'] for user, what, platform, roster in _rows_of(change)]
    summary = dict(result['summary'])
    return {'clean': not result['changes'], 'summary': summary, 'accounts': len(result['changes']), 'rows': rows}


def _cell(text):
    return str(text).replace('\\', '\\\\').replace('|', '\\|').replace('\r', ' ').replace('\n', ' ')


def drift_markdown(result, title='Roster drift report'):
    """The report as Markdown: counts on top, then one table row per difference, or "no drift"."""
    report = drift_report(result)
    summary = report['summary']
    counts = ', '.join('%s %d' % (key, summary.get(key, 0))
                       for key in ('created', 'updated', 'deleted', 'deactivated', 'unchanged', 'failed'))
    lines = ['# %s' % title, '']
    if report['clean']:
        lines += ['**No drift**: the platform matches the roster (%s).' % counts, '']
        return '\n'.join(lines)
    lines += ['**%d account%s differ%s** from the roster (%s).' % (
        report['accounts'], '' if report['accounts'] == 1 else 's', 's' if report['accounts'] == 1 else '', counts), '',
        '| user | what differs | platform value | roster value |', '| --- | --- | --- | --- |']
    lines += ['| %s | %s | %s | %s |' % tuple(_cell(row[key]) for key in ('user', 'what', 'platform', 'roster'))
              for row in report['rows']]
    return '\n'.join(lines) + '\n'


class FilterModule:
    """Roster audit reports."""

    def filters(self):
        return {'drift_report': drift_report, 'drift_markdown': drift_markdown}
