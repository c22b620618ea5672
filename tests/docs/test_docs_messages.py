# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every error message the collection's code can raise has an entry in docs/troubleshooting.md.

Which messages (read from the source of plugins/ with ``ast``, nothing is imported):

1. The message argument of a call to an error: a function or class whose name ends in ``Error``
   or ``error`` (``InputError``, ``TestpressError``, ``RosterError``, ``AnsibleFilterError``, the
   client's ``_error``), ``fail``, ``fail_json`` (its ``msg=``) and ``_fail``, and the message an
   exception class passes to ``super().__init__``. Of a call's arguments (and the items of a list
   argument: ``RosterError([...])``), the message is the string
   with the most literal text (so the method ``'POST'`` of ``TestpressError('POST', path, 200, msg)``
   is not one).
2. A string appended to, assigned to, or added to (``+=``) a name that contains ``problem`` or
   ``message``: the parts that an error joins into one message.
3. The strings returned by a function or method of plugins/ whose result is a message: passed as one
   under 1, or bound to a ``problem``/``message`` name under 2 (``record, problem = pick(...)``); and
   by a function passed by name as an argument (a callback such as ``check=_not_a_page``, whose
   answer the caller raises).

A string is a literal, a ``%``-format or ``.format()`` of a literal, an f-string, or a ``+`` of
these. Its *template* is its literal text with each placeholder (``%s``, ``%r``, ``%d``, ``%(name)s``,
``{...}``, an f-string field, a non-literal operand of ``+``) as a wildcard. A template without a
word of three letters or more (``'%s: %s'``) only joins other messages, and is not one.

The matching rule: the template, with each wildcard matching any text on one line and each run of
whitespace matching any whitespace, must be found in docs/troubleshooting.md. So an entry writes the
message as the user sees it, with a stand-in where the code puts a value: the message
``'%s: %r is not a date; use YYYY-MM-DD or DD/MM/YYYY' % (option, value)`` is matched by
`` `<option>: '<value>' is not a date; use YYYY-MM-DD or DD/MM/YYYY` ``.
"""

from __future__ import annotations

import ast
import re
import pytest

from ansible_collections.testpress.lms.tests.harness import REPO_ROOT

GUIDE = REPO_ROOT / 'docs' / 'troubleshooting.md'
SOURCES = sorted((REPO_ROOT / 'plugins').rglob('*.py'))
WILD = None
PERCENT = re.compile(r'%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[sdrifuxXeEgGc]')
BRACES = re.compile(r'\{[^{}]*\}')
FAIL_NAMES = ('fail', 'fail_json', '_fail')


def split(text, pattern):
    """Literal text with the placeholders matched by ``pattern`` as wildcards."""
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces += [text[last:match.start()], WILD]
        last = match.end()
    return pieces + [text[last:]]


def template(node):
    """The pieces (literal text, or WILD) of a string expression; None if ``node`` is not one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [part.value if isinstance(part, ast.Constant) else WILD for part in node.values]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        left = template(node.left)
        if left is None:
            return None
        pieces = []
        for piece in left:
            pieces += [WILD] if piece is WILD else [
                part.replace('%%', '%') if part is not WILD else WILD for part in split(piece, PERCENT)]
        return pieces
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = template(node.left), template(node.right)
        if left is None and right is None:
            return None
        return (left or [WILD]) + (right or [WILD])
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == 'format'
            and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)):
        return split(node.func.value.value, BRACES)
    return None


def literal_length(pieces):
    return sum(len(piece) for piece in pieces if piece is not WILD)


def is_message(pieces):
    return pieces is not None and any(re.search(r'[A-Za-z]{3}', piece) for piece in pieces if piece is not WILD)


def base_name(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ''


def call_name(node):
    return base_name(node.func)


def is_error_call(node, exception_class):
    name = call_name(node)
    if name.lower().endswith('error') or name in FAIL_NAMES:
        return True
    # super().__init__(message) inside an exception class
    return (name == '__init__' and exception_class and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Call) and call_name(node.func.value) == 'super')


def message_argument(node):
    """The argument of an error call that holds the message: ``msg=``/``message=``, else the string with the
    most literal text, else the one call of a function (its returns are then the messages)."""
    for keyword in node.keywords:
        if keyword.arg in ('msg', 'message'):
            return keyword.value
    # RosterError([...]) takes its problems as a list.
    args = [element for arg in node.args for element in (arg.elts if isinstance(arg, ast.List) else [arg])]
    strings = [arg for arg in args if is_message(template(arg))]
    if strings:
        return max(strings, key=lambda arg: literal_length(template(arg)))
    calls = [arg for arg in args if isinstance(arg, ast.Call) and call_name(arg)]
    return calls[0] if calls else None


def names_problem(target):
    if isinstance(target, ast.Name):
        return 'problem' in target.id or 'message' in target.id
    if isinstance(target, ast.Tuple):
        return any(names_problem(element) for element in target.elts)
    return False


class Collector(ast.NodeVisitor):
    """Messages (rules 1 and 2) and the names of functions whose returns are messages (rule 3)."""

    def __init__(self, path):
        self.path = path
        self.found = []
        self.message_functions = set()
        self.callbacks = set()
        self.exception_class = False

    def add(self, node):
        for value in alternatives(node):
            pieces = template(value)
            if is_message(pieces):
                self.found.append((self.path, value.lineno, pieces))
            elif isinstance(value, ast.Call) and call_name(value):
                self.message_functions.add(call_name(value))

    def visit_ClassDef(self, node):
        outer = self.exception_class
        self.exception_class = any(base_name(base).endswith(('Error', 'Exception')) for base in node.bases)
        self.generic_visit(node)
        self.exception_class = outer

    def visit_Call(self, node):
        for argument in list(node.args) + [keyword.value for keyword in node.keywords]:
            if isinstance(argument, ast.Name):
                self.callbacks.add(argument.id)
        if is_error_call(node, self.exception_class):
            argument = message_argument(node)
            if argument is not None:
                self.add(argument)
        elif (call_name(node) == 'append' and isinstance(node.func, ast.Attribute)
              and names_problem(node.func.value) and node.args):
            self.add(node.args[0])
        self.generic_visit(node)

    def visit_Assign(self, node):
        if any(names_problem(target) for target in node.targets):
            self.add(node.value)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        if names_problem(node.target):
            self.add(node.value)
        self.generic_visit(node)


def alternatives(node):
    """The values an expression may take: each element of a tuple, each branch of ``a if c else b``."""
    if isinstance(node, ast.Tuple):
        return [value for element in node.elts for value in alternatives(element)]
    if isinstance(node, ast.IfExp):
        return alternatives(node.body) + alternatives(node.orelse)
    return [node]


def returned_messages(tree, path, functions):
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in functions:
            for inner in ast.walk(node):
                if isinstance(inner, ast.Return) and inner.value is not None:
                    found += [(path, value.lineno, template(value)) for value in alternatives(inner.value)
                              if is_message(template(value))]
    return found


def collect():
    trees, found, functions = {}, [], set()
    for path in SOURCES:
        trees[path] = ast.parse(path.read_text(encoding='utf-8'), str(path))
        collector = Collector(path)
        collector.visit(trees[path])
        found += collector.found
        functions |= collector.message_functions | collector.callbacks
    for path, tree in trees.items():
        found += returned_messages(tree, path, functions)
    return found


def pattern(pieces):
    """The template as a regex: wildcards match any text on one line, whitespace any whitespace."""
    parts = []
    for piece in pieces:
        if piece is WILD:
            parts.append(r'[^\n]*?')
        else:
            parts.append(r'\s+'.join(re.escape(word) for word in piece.split()) if piece.strip() else r'\s*')
            if piece[:1].isspace() and piece.strip():
                parts[-1] = r'\s*' + parts[-1]
            if piece[-1:].isspace() and piece.strip():
                parts[-1] += r'\s*'
    return ''.join(parts).strip()


def shown(pieces):
    return ''.join('<...>' if piece is WILD else piece for piece in pieces)


MESSAGES = collect()


def test_the_collector_finds_the_messages_of_every_kind():
    texts = [shown(pieces) for _path, _line, pieces in MESSAGES]
    # One of each rule, so that a change to the collector that finds nothing cannot pass unnoticed.
    assert any('is not a date' in text for text in texts)                          # InputError
    assert any('the answer carried no token' in text for text in texts)            # TestpressError
    assert any(text.startswith('connection failed') for text in texts)             # the client's _error
    assert any('exists on the institute' in text for text in texts)                # returned by missing_user()
    assert any('close candidates' in text for text in texts)                       # problem += ...
    assert len(MESSAGES) > 25


@pytest.mark.parametrize('path', sorted(set(path for path, _line, _pieces in MESSAGES)),
                         ids=lambda path: str(path.relative_to(REPO_ROOT)))
def test_every_error_message_is_in_the_troubleshooting_guide(path):
    guide = GUIDE.read_text(encoding='utf-8')
    missing = ['%s:%d  %s' % (where.relative_to(REPO_ROOT), line, shown(pieces))
               for where, line, pieces in MESSAGES if where == path and not re.search(pattern(pieces), guide)]
    assert missing == [], (
        'these error messages have no entry in docs/troubleshooting.md (what it means, what to do); '
        'write each as the user sees it, a stand-in such as <option> where the code puts a value:\n'
        + '\n'.join(missing))
