# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``drift_report`` and ``drift_markdown``: a roster task's result (check mode: the audit) as a report.

``drift_report`` keeps every difference as a row (user, what, platform value, roster value; ``null`` for
an empty value) for tools; ``drift_markdown`` renders them for a pull request comment, within the size a
comment takes. Every value in the Markdown comes from the platform or the roster, which students and
contributors write: it is shown as a code span, so no HTML, link, image, mention or emphasis renders.
Their documentation is in ``drift_report.yml`` and ``drift_markdown.yml``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.testpress.lms.plugins.module_utils._users import PERSONAL_OPTIONS

REDACTED = 'differs'
SUMMARY_KEYS = ('created', 'updated', 'deleted', 'deactivated', 'unchanged', 'failed')
MEMBERSHIPS = (('batches', 'batch'), ('courses', 'course'))
# A pull request comment takes at most 65,536 characters.
MAX_CHARS = 65536
MAX_ROWS = 1000
FULL_REPORT = 'drift-report.json'
# The words of a report: of an audit (check mode: drift), or of a run that applied its changes (``applied``).
WORDS = {
    False: {'title': 'Roster drift report', 'none': '**No drift**: the platform matches the roster (%s).',
            'some': '**%s %s** from the roster (%s).', 'verb': ('differs', 'differ'),
            'header': '| user | what differs | platform | roster |'},
    True: {'title': 'Roster changes applied', 'none': '**No changes applied**: the platform already matched the roster (%s).',
           'some': '**%s %s** by the roster (%s).', 'verb': ('changed', 'changed'),
           'header': '| user | what changed | before | after |'},
}
# A line break would end a table row; a run of backticks is fenced by a longer one.
LINE_BREAKS = re.compile(r'[\r\n\u2028\u2029\x85\x0b\x0c]+')
BACKTICKS = re.compile(r'`+')


def _plural(count, noun, plural=None):
    return '%d %s' % (count, noun if count == 1 else plural or noun + 's')


def _value(value):
    """A value as the report keeps it: None for an empty one."""
    return None if value is None or value == '' else value


def _row(user, what, platform, roster, item=None):
    row = {'user': user, 'what': what}
    if item is not None:
        row['item'] = item
    row.update(platform=_value(platform), roster=_value(roster))
    return row


def _field_rows(user, before, after):
    """One row per profile option that differs; one per custom field that differs."""
    for option, value in after.items():
        if option == 'username':
            continue
        if option == 'custom_fields' and isinstance(value, Mapping):
            current = dict((str(name).casefold(), item) for name, item in (before.get(option) or {}).items())
            for name, item in value.items():
                old = current.get(str(name).casefold())
                if _value(old) != _value(item):
                    yield _row(user, option, old, item, item=name)
            continue
        yield _row(user, option, before.get(option), value)


def _membership_rows(user, change):
    for kind, _singular in MEMBERSHIPS:
        moved = change.get(kind) or {}
        expires = moved.get('expires')
        joined = 'member until %s' % expires if expires else 'member'
        for name in moved.get('added', []):
            yield _row(user, kind, 'not a member', joined, item=name)
        for name in moved.get('removed', []):
            yield _row(user, kind, 'member', 'not a member', item=name)
        for name in moved.get('expiry_updated', []):
            yield _row(user, kind, 'member, another end date', joined, item=name)


def _rows_of(change):
    user, action = change['username'], change['action']
    before, after = change.get('before') or {}, change.get('after') or {}
    if action == 'create':
        yield _row(user, 'account', None, 'created')
    elif action == 'delete':
        row = _row(user, 'account', 'exists', 'deleted')
        if change.get('ignored'):
            # A roster entry marked absent deletes the account; what else it carries is not applied.
            row['ignored'] = list(change['ignored'])
        yield row
        return
    elif action == 'deactivate':
        yield _row(user, 'account', 'active', 'deactivated (not in the roster)')
        return
    yield from _field_rows(user, before, after)
    yield from _membership_rows(user, change)


def _redacted(row):
    """A row of a personal option (the field table's personal column) with its values as ``differs``."""
    if row['what'] in PERSONAL_OPTIONS:
        row.update((side, REDACTED) for side in ('platform', 'roster') if row[side] is not None)
        row['redacted'] = True
    return row


def _accounts(result, redact):
    """``[(change, rows)]``: each changed account with its rows."""
    if not isinstance(result, Mapping) or not isinstance(result.get('summary'), Mapping) \
            or not isinstance(result.get('changes'), list):
        raise AnsibleFilterError('drift_report: expects the registered result of a testpress.lms.testpress_roster task')
    if not isinstance(redact, bool):
        raise AnsibleFilterError('drift_report: redact must be true or false, got %s' % type(redact).__name__)
    # A task run with redact: true masked its own values: its report is redacted whatever the filter is told.
    redact = redact or result.get('redacted') is True
    accounts = []
    for change in result['changes']:
        rows = list(_rows_of(change))
        accounts.append((change, [_redacted(row) for row in rows] if redact else rows))
    return accounts


def _not_listed(result):
    """The changed accounts the result counts but does not list (``max_changes_listed``)."""
    count = result.get('changes_not_listed') or 0
    return count if isinstance(count, int) and not isinstance(count, bool) and count > 0 else 0


def drift_report(result, redact=False):
    """``{clean, summary, accounts, redacted, rows}`` from a ``testpress_roster`` result; each row
    ``{user, what, [item,] platform, roster}``, with None for an empty value. ``accounts`` counts every
    changed account, those the result does not list (``changes_not_listed``) too; ``rows`` are the listed ones'."""
    accounts = _accounts(result, redact)
    total = len(accounts) + _not_listed(result)
    report = {
        'clean': not total,
        'summary': dict(result['summary']),
        'accounts': total,
        'redacted': redact or result.get('redacted') is True,
        'rows': [row for _change, rows in accounts for row in rows],
    }
    if result.get('plan_digest'):
        # The saved plan (plan_file) this report shows; its apply returns the same digest.
        report['plan_digest'] = result['plan_digest']
    return report


# ---------------------------------------------------------------- Markdown

def _code(value):
    """Text as a Markdown code span inside a table cell: nothing in it renders.

    The fence is a backtick run longer than any in the text, padded with a space where the text would
    otherwise lose or merge with its first or last character. A ``|`` is escaped, as a table needs even
    in a code span (GitHub splits a row at each ``|`` without a backslash before it, then drops that
    backslash); line breaks, which would end the row, are spaces.
    """
    if value is None:
        return '*empty*'
    if isinstance(value, bool):
        value = 'true' if value else 'false'
    text = LINE_BREAKS.sub(' ', str(value))
    text = text.replace('|', '\\|')
    fence = '`' * (max((len(run) for run in BACKTICKS.findall(text)), default=0) + 1)
    # CommonMark takes one space off each side of a span that has one on both sides (and is not all spaces).
    padded = text[:1] == '`' or text[-1:] == '`' or (text[:1] == text[-1:] == ' ' and text.strip(' '))
    pad = ' ' if padded else ''
    return '%s%s%s%s%s' % (fence, pad, text, pad, fence)


def _shown(row, side):
    """A platform or roster cell: our own words as they are, any other value as text."""
    value = row[side]
    if row['what'] in ('account', 'batches', 'courses') or row.get('redacted'):
        return '*empty*' if value is None else value
    return _code(value)


def _what(row):
    if row['what'] == 'custom_fields':
        return 'custom field %s' % _code(row['item'])
    for kind, singular in MEMBERSHIPS:
        if row['what'] == kind:
            return '%s %s' % (singular, _code(row['item']))
    return row['what']


def _table_line(user, what, platform, roster):
    return '| %s | %s | %s | %s |' % (_code(user), what, platform, roster)


def _created_line(change, rows):
    """A new account in one line: what the roster sets, counted."""
    counts = [_plural(sum(1 for row in rows if row['what'] not in ('account', 'batches', 'courses')), 'field')]
    counts += [_plural(sum(1 for row in rows if row['what'] == kind), singular, kind)
               for kind, singular in MEMBERSHIPS if change.get(kind)]
    return _table_line(change['username'], 'account', '*none*', 'created: %s' % ', '.join(counts))


def _account_lines(change, rows):
    if change['action'] == 'create':
        return [_created_line(change, rows)]
    if rows and rows[0].get('ignored'):
        return [_table_line(change['username'], 'account', 'exists',
                            'deleted (state absent; its other options are not applied: %s)' % ', '.join(rows[0]['ignored']))]
    return [_table_line(row['user'], _what(row), _shown(row, 'platform'), _shown(row, 'roster')) for row in rows]


def _more_line(count, full_report):
    return '… and %d more account%s: see %s' % (count, '' if count == 1 else 's', full_report)


def _guard_lines(guard):
    """A plan the removal guard stopped (the roster result's ``guard``): what it removes, and what would let it
    through; our own words and numbers only."""
    if not isinstance(guard, Mapping):
        return []
    raise_to = ', '.join('`%s` to %s' % (item.get('option'), item.get('needed'))
                         for item in guard.get('exceeded') or [] if isinstance(item, Mapping))
    return ['## Blocked by a guard', '',
            'Nothing was changed: the plan below removes more than the guard allows (%s removals: %s accounts deleted, '
            '%s deactivated, %s locked out, %s memberships removed). To apply it on purpose, raise %s.'
            % (guard.get('removals'), guard.get('deleted'), guard.get('deactivated'), guard.get('locked_out'),
               guard.get('memberships_removed'), raise_to or 'the removal limits'), '']


def _limit(name, value, minimum, filter_name='drift_markdown'):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise AnsibleFilterError('%s: %s must be a whole number of at least %d, got %r' % (filter_name, name, minimum, value))
    return value


def drift_markdown(result, title=None, redact=False, max_rows=MAX_ROWS, max_chars=MAX_CHARS,
                   full_report=FULL_REPORT):
    """The report as Markdown: every count on top; one line per account created, deleted or deactivated
    and a row per difference of an updated one, as many accounts as ``max_rows`` and ``max_chars`` allow;
    then how many more there are and where to read them. Of a result that was ``applied`` (not check mode),
    what changed, and the backup file of the accounts as they were, when there is one."""
    max_rows, max_chars = _limit('max_rows', max_rows, 0), _limit('max_chars', max_chars, 1000)
    accounts = _accounts(result, redact)
    total = len(accounts) + _not_listed(result)
    summary = result['summary']
    words = WORDS[result.get('applied') is True]
    counts = ', '.join('%d %s' % (summary.get(key, 0), key) for key in SUMMARY_KEYS)
    lines = ['# %s' % (title or words['title']), ''] + _guard_lines(result.get('guard'))
    if result.get('plan_digest'):
        lines += ['Saved plan %s: applied exactly as shown here, or not at all.' % _code(result['plan_digest']), '']
    if not total:
        lines.append(words['none'] % counts)
        return '\n'.join(lines) + '\n'
    lines += [words['some'] % (_plural(total, 'account'), words['verb'][total != 1], counts), '']
    if result.get('backup_file'):
        lines += ['Backup of these accounts as they were: %s (apply it with `membership: exact` to undo the run).'
                  % _code(result['backup_file']), '']
    table = [words['header'], '| --- | --- | --- | --- |']
    size = sum(len(line) + 1 for line in lines + table) + 1
    shown, accounts_shown = [], 0
    for change, rows in accounts:
        account_lines = _account_lines(change, rows)
        need = sum(len(line) + 1 for line in account_lines)
        remaining = total - accounts_shown - 1
        reserve = len(_more_line(remaining, full_report)) + 2 if remaining else 0
        if len(shown) + len(account_lines) > max_rows or size + need + reserve > max_chars:
            break
        shown += account_lines
        accounts_shown += 1
        size += need
    if shown:
        lines += table + shown + ['']
    if accounts_shown < total:
        lines.append(_more_line(total - accounts_shown, full_report))
    return '\n'.join(lines).rstrip('\n') + '\n'


class FilterModule:
    """Roster audit reports."""

    def filters(self):
        return {'drift_report': drift_report, 'drift_markdown': drift_markdown}
