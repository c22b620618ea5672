# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How a roster file's YAML or JSON text becomes entries, within bounds on what reading it may cost: YAML as the
safe loader reads it (from its events when it can, each top-level entry's line noted), JSON an entry at a time.
``_roster_files`` reads and writes the files; a problem here names the file and the place, never its text."""

from __future__ import annotations

import json
import re

import yaml

try:
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader

# Bounds on what a roster file may cost to read. A roster is a list of entries of a few levels (an entry, its
# custom fields or batches); YAML aliases may repeat a block (an anchored address), but a file whose aliases
# expand past a few times its own nodes (a "billion laughs") is refused before anything walks it.
MAX_DEPTH = 32
ALIAS_EXPANSION = 4
ALIAS_EXPANSION_FLOOR = 10000


class RosterFileError(Exception):
    """A roster file that cannot be read or written; the message names the file, never its content."""


class _LineLoader(SafeLoader):  # pylint: disable=too-many-ancestors
    """The safe YAML loader (C when available) that also notes the line of each top-level entry."""

    lines = ()

    def construct_document(self, node):
        if isinstance(node, yaml.SequenceNode):
            self.lines = [item.start_mark.line + 1 for item in node.value]
        return super().construct_document(node)


class _Unusual(Exception):
    """YAML that the quick reader leaves to the full loader: explicit tags, merge keys, several documents."""


# The first characters of a plain scalar that the safe loader may read as something other than text (a number,
# a boolean, null, a date, a merge key); every other plain scalar is text as it stands.
NOT_PLAIN_TEXT = re.compile(r'[-+.0-9yYnNtTfFoO~<=]')
TEXT_TAG = 'tag:yaml.org,2002:str'
MERGE_TAG = 'tag:yaml.org,2002:merge'


def _scalar(loader, event):
    if event.tag not in (None, '!'):
        raise _Unusual()
    value = event.value
    if not event.implicit[0]:
        return value
    if not value:
        return None
    if not NOT_PLAIN_TEXT.match(value):
        return value
    tag = loader.resolve(yaml.ScalarNode, value, event.implicit)
    if tag == MERGE_TAG:
        raise _Unusual()
    return value if tag == TEXT_TAG else loader.construct_object(yaml.ScalarNode(tag, value, style=event.style), deep=True)


def _quick_yaml(text):
    """``(data, lines)`` of a YAML document read from the parser's events, as the safe loader reads it, without
    building its node tree: at 10,000 entries a fifth of the time. ``lines``: the line of each top-level item."""
    loader = _LineLoader(text)
    try:
        stack, anchors, lines, root = [], {}, [], None
        while True:
            event = loader.get_event()
            kind = type(event)
            if kind in (yaml.MappingStartEvent, yaml.SequenceStartEvent):
                if event.tag not in (None, '!'):
                    raise _Unusual()
                container = {} if kind is yaml.MappingStartEvent else []
                if len(stack) == 1 and isinstance(stack[0][0], list):
                    lines.append(event.start_mark.line + 1)
                if event.anchor:
                    anchors[event.anchor] = container
                stack.append([container, None])
                continue
            if kind is yaml.ScalarEvent:
                item = _scalar(loader, event)
                if event.anchor:
                    anchors[event.anchor] = item
            elif kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                item = stack.pop()[0]
            elif kind is yaml.AliasEvent:
                item = anchors[event.anchor]
            elif kind is yaml.DocumentEndEvent:
                if not isinstance(loader.peek_event(), yaml.StreamEndEvent):
                    raise _Unusual()
                return root, lines
            elif kind is yaml.StreamEndEvent:
                return root, lines
            else:
                continue
            if not stack:
                root = item
            elif isinstance(stack[-1][0], list):
                stack[-1][0].append(item)
            elif stack[-1][1] is None:
                stack[-1][1] = (item,)
            else:
                try:
                    stack[-1][0][stack[-1][1][0]] = item
                except TypeError:  # an unhashable key: the full loader says so
                    raise _Unusual() from None
                stack[-1][1] = None
    finally:
        loader.dispose()


def _measure(data):
    """``(own, expanded, depth)`` of a loaded document: its nodes counted once per distinct container, its nodes
    counted as a reader walking it meets them (an alias's block each time it is repeated), and its depth. Walked
    without recursion, each container once; a container inside itself (a recursive alias) is infinitely deep."""
    sizes, depths, own = {}, {}, 0
    stack = [(data, False)] if isinstance(data, (dict, list)) else []
    open_now = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = list(node.keys()) + list(node.values()) if isinstance(node, dict) else node
        if not done:
            if key in sizes:
                continue
            if key in open_now:
                return own, float('inf'), float('inf')
            open_now.add(key)
            own += 1 + len(children)
            stack.append((node, True))
            stack.extend((child, False) for child in children if isinstance(child, (dict, list)) and id(child) not in sizes)
            continue
        open_now.discard(key)
        containers = [child for child in children if isinstance(child, (dict, list))]
        sizes[key] = 1 + len(children) - len(containers) + sum(sizes[id(child)] for child in containers)
        depths[key] = 1 + max([depths[id(child)] for child in containers] or [0])
    if not isinstance(data, (dict, list)):
        return 1, 1, 0
    return own, sizes[id(data)], depths[id(data)]


def check_bounds(data, name):
    """Refuse a loaded roster that nests deeper than ``MAX_DEPTH`` or whose aliases expand it past
    ``ALIAS_EXPANSION`` times its own nodes: the file is named, its content is not walked any further."""
    own, expanded, depth = _measure(data)
    if depth > MAX_DEPTH:
        raise RosterFileError('%s: nested %s levels deep; a roster is a list of entries a few levels deep (at most %d), '
                              'so the file is refused unread' % (name, 'endless' if depth == float('inf') else depth,
                                                                 MAX_DEPTH))
    if expanded > max(ALIAS_EXPANSION * own, ALIAS_EXPANSION_FLOOR):
        raise RosterFileError('%s: its YAML aliases (*name) expand %d nodes to %s, more than %d times over; a roster '
                              'repeats a block a few times at most, so the file is refused unread (write the entries out)'
                              % (name, own, 'endless' if expanded == float('inf') else expanded, ALIAS_EXPANSION))


def _full_yaml(text):
    loader = _LineLoader(text)
    try:
        return loader.get_single_data(), loader.lines
    finally:
        loader.dispose()


def load_yaml(text, name):
    try:
        try:
            return _quick_yaml(text)
        except _Unusual:
            return _full_yaml(text)
    except yaml.MarkedYAMLError as err:
        # The problem and where, without the snippet of the line PyYAML adds: it could hold a password.
        mark = err.problem_mark or err.context_mark
        where = ', line %d, column %d' % (mark.line + 1, mark.column + 1) if mark else ''
        raise RosterFileError('%s%s: not valid YAML: %s' % (name, where, err.problem or err.context)) from None
    except yaml.YAMLError as err:
        raise RosterFileError('%s: not valid YAML: %s' % (name, type(err).__name__)) from None
    except RecursionError:
        raise RosterFileError('%s: nested too deep to read; a roster is a list of entries a few levels deep (at most %d)'
                              % (name, MAX_DEPTH)) from None


def check_list(entries, name):
    if not isinstance(entries, list):
        raise RosterFileError('%s: a roster file holds a list of entries (one per account), not %s'
                              % (name, 'an empty document' if entries is None else 'a ' + type(entries).__name__))


JSON_BLANK = re.compile(r'[ \t\n\r]*')


def json_entries(text, name):
    """The entries of a JSON roster, decoded one at a time: 100,000 of them are never held at once as Python
    values. A document that is not a list is decoded whole, to say what it is."""
    decoder = json.JSONDecoder()
    try:
        position = JSON_BLANK.match(text).end()
        if not text.startswith('[', position):
            check_list(json.loads(text), name)
        position = JSON_BLANK.match(text, position + 1).end()
        closed = text.startswith(']', position)
        while not closed:
            entry, position = decoder.raw_decode(text, position)
            check_bounds([entry], name)
            yield entry
            position = JSON_BLANK.match(text, position).end()
            closed = text.startswith(']', position)
            if not closed:
                if not text.startswith(',', position):
                    break
                position = JSON_BLANK.match(text, position + 1).end()
        if not closed or JSON_BLANK.match(text, position + 1).end() != len(text):
            # Not JSON: the whole document decoded raises the error json gives it, naming the line and column.
            json.loads(text)
    except ValueError as err:
        raise RosterFileError('%s, line %d, column %d: not valid JSON: %s' % (name, err.lineno, err.colno, err.msg)) from None
    except RecursionError:
        raise RosterFileError('%s: nested too deep to read; a roster is a list of entries a few levels deep (at most %d)'
                              % (name, MAX_DEPTH)) from None
