# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write every copy of the user field table (and the entry's header spellings) that lives outside the code.

The field table is ``plugins/module_utils/_users.USER_FIELDS`` (with its ``personal`` column), and each field's
documentation is in the ``testpress.lms.user_profile`` doc fragment. What repeats them elsewhere sits between
two comments, ``BEGIN generated: <block>`` and ``END generated: <block>``, and is rewritten here:

- ``entry fields``: the profile options of a roster entry (``testpress_roster``'s ``users`` suboptions);
- ``personal fields``: the fields ``redact`` masks, in the modules' and filters' docs and in docs/audits.md;
- ``header spellings``: the spellings a spreadsheet's header may take (``_entry.KEY_ALIASES``), in the
  ``roster_from_csv`` filter's docs.

``make docs`` runs it; ``--check`` writes nothing and fails naming each stale block, its file and the
fields it lacks (tests/docs/test_docs_fields.py runs that).

Usage: python3 scripts/field_docs.py [--check]
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import sys
import tempfile
import textwrap

import yaml

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
WIDTH = 110
MARKUP = re.compile(r'[A-Z]\([^()]*\)|`[^`]*`')
# Every file with a generated block, and the blocks it must have.
FILES = {
    'plugins/modules/testpress_roster.py': ('entry fields', 'personal fields'),
    'plugins/modules/testpress_user_info.py': ('personal fields',),
    'plugins/filter/drift_report.yml': ('personal fields',),
    'plugins/filter/drift_markdown.yml': ('personal fields',),
    'plugins/filter/journal_markdown.yml': ('personal fields',),
    'docs/audits.md': ('personal fields',),
    'plugins/filter/roster_from_csv.yml': ('header spellings',),
}
MARKER = re.compile(r'^(?P<indent>[ \t]*)(?:#|<!--) (?P<end>BEGIN|END) generated: (?P<name>[a-z ]+?)(?: \(.*\))?(?: -->)?$')


def the_collection():
    """``ansible_collections.testpress.lms`` importable from ROOT, wherever this tree is."""
    if ROOT.split(os.sep)[-3:] == ['ansible_collections', 'testpress', 'lms']:
        top = os.path.dirname(os.path.dirname(os.path.dirname(ROOT)))
    else:
        top = tempfile.mkdtemp(prefix='field-docs-')
        atexit.register(shutil.rmtree, top, True)
        os.makedirs(os.path.join(top, 'ansible_collections', 'testpress'))
        os.symlink(ROOT, os.path.join(top, 'ansible_collections', 'testpress', 'lms'))
    sys.path.insert(0, top)
    # pylint: disable=import-outside-toplevel
    from ansible_collections.testpress.lms.plugins.doc_fragments.user_profile import ModuleDocFragment
    from ansible_collections.testpress.lms.plugins.module_utils._entry import KEY_ALIASES
    from ansible_collections.testpress.lms.plugins.module_utils._users import USER_FIELDS
    return {'fields': USER_FIELDS, 'documented': yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options'],
            'aliases': KEY_ALIASES}


def _listed(words):
    return ', '.join(words[:-1]) + ' and ' + words[-1] if len(words) > 1 else ''.join(words)


def _item(text):
    """A list item wrapped to WIDTH: ``- text`` and its continuation lines, never inside a markup such as V(Date
    of Birth)."""
    kept = MARKUP.sub(lambda found: found.group(0).replace(' ', '\0'), text)
    return [line.replace('\0', ' ') for line in
            textwrap.wrap(kept, WIDTH - 8, initial_indent='- ', subsequent_indent='  ', break_on_hyphens=False)]


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as the collection's documentation writes them."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def entry_fields(tables, markdown=False):
    """The roster entry's profile suboptions: each field's documentation from the fragment."""
    del markdown
    lines = []
    for field in tables['fields']:
        doc = tables['documented'][field.option]
        text = yaml.dump({field.option: {'description': doc['description'], 'type': doc['type']}}, Dumper=_Dumper,
                         sort_keys=False, width=WIDTH - 12, allow_unicode=True, default_flow_style=False)
        lines += text.rstrip('\n').split('\n')
    return lines


def personal_fields(tables, markdown=False):
    """The fields ``redact`` masks: the personal column of the table."""
    personal = [field.option for field in tables['fields'] if field.personal]
    if markdown:
        return _item('Redacted: %s.' % _listed(['`%s`' % option for option in personal]))
    return _item('Personal fields are %s.' % _listed(['C(%s)' % option for option in personal]))


def header_spellings(tables, markdown=False):
    """Every spelling a spreadsheet's header may take besides its key."""
    del markdown
    spelt = ['%s for C(%s)' % (_listed(['V(%s)' % alias for alias in aliases]).replace(' and ', ' or '), key)
             for key, aliases in tables['aliases'].items()]
    return _item("Besides its key, a column's header may be %s." % '; '.join(spelt))


RENDER = {'entry fields': entry_fields, 'personal fields': personal_fields, 'header spellings': header_spellings}
# What each block must name: a stale block is reported with what it lacks of these.
NAMES = {
    'entry fields': lambda tables: [field.option for field in tables['fields']],
    'personal fields': lambda tables: [field.option for field in tables['fields'] if field.personal],
    'header spellings': lambda tables: [alias for aliases in tables['aliases'].values() for alias in aliases],
}


def blocks(lines):
    """``(name, indent, begin, end)`` of each generated block: the line numbers of its two markers."""
    found, open_ = [], None
    for number, line in enumerate(lines):
        match = MARKER.match(line)
        if not match:
            continue
        if match.group('end') == 'BEGIN' and open_ is None:
            open_ = (match.group('name'), match.group('indent'), number)
        elif match.group('end') == 'END' and open_ is not None and match.group('name') == open_[0]:
            found.append(open_ + (number,))
            open_ = None
    return found


def rewrite(path, tables):
    """``(text, problems)``: the file with its blocks as the table makes them, and what was wrong with it."""
    with open(os.path.join(ROOT, path), encoding='utf-8') as handle:
        lines = handle.read().split('\n')
    problems = []
    found = blocks(lines)
    missing = [name for name in FILES[path] if name not in [block[0] for block in found]]
    for name in missing:
        problems.append('%s: no generated block %r (its BEGIN and END comments are gone): put them back around it' % (path, name))
    for name, indent, begin, end in reversed(found):
        wanted = [indent + line if line else line for line in RENDER[name](tables, path.endswith('.md'))]
        if lines[begin + 1:end] != wanted:
            text = '\n'.join(lines[begin + 1:end])
            lacking = [word for word in NAMES[name](tables) if not re.search(r'\b%s\b' % re.escape(word), text)]
            problems.append('%s, line %d: the generated block %r is stale%s: run make docs'
                            % (path, begin + 1, name, ' (it lacks %s)' % ', '.join(lacking) if lacking else ''))
            lines[begin + 1:end] = wanted
    return '\n'.join(lines), problems


def main(argv):
    check = argv[1:] == ['--check']
    if argv[1:] and not check:
        sys.exit(__doc__)
    tables = the_collection()
    undocumented = [field.option for field in tables['fields'] if field.option not in tables['documented']]
    if undocumented:
        sys.exit('plugins/doc_fragments/user_profile.py does not document %s, a row of _users.USER_FIELDS: '
                 'add its entry there first' % ', '.join(undocumented))
    stale, lost = [], []
    for path in FILES:
        text, problems = rewrite(path, tables)
        stale += problems
        lost += [problem for problem in problems if 'no generated block' in problem]
        if problems and not check:
            with open(os.path.join(ROOT, path), 'w', encoding='utf-8') as handle:
                handle.write(text)
            print('rewrote %s' % path)
    if check and stale or lost:
        sys.exit('\n'.join(stale if check else lost))


if __name__ == '__main__':
    main(sys.argv)
