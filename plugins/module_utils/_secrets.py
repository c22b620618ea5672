# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Keep secrets (passwords, tokens) out of every message, and never echo what a server sent back.

``scrub(text, secrets)`` replaces every spelling of every secret a server (or a library) may have echoed:
as is, JSON-escaped (with and without ASCII escapes, and twice), ``repr``, ``ascii()``, ``unicode_escape``,
``re.escape``, every character backslash-escaped, HTML-escaped, URL-encoded (``quote`` and ``quote_plus``),
with its whitespace collapsed; and the start of a spelling that the server itself cut (before ``...`` or
``…``; in a server's own text, ``scrub_server_text``, at the end of a line too). Scrub first, then cut (``scrub_and_cut``), so a cut never leaves the start
of a secret behind; a cut that falls at the start of a spelling masks it. ``scrub_all`` does the same
through a result (dicts, lists).

A secret of at least ``SUBSTRING_LENGTH`` characters is masked wherever it occurs. One of
``GLUED_LENGTH`` (3) is masked with the word it is glued to (``xabcy`` for ``abc``). A shorter one (a
one-character password still is one) is masked where it stands as a whole token or quoted value, not
inside words: masking every word holding an ``a`` would wreck the message and tell the secret anyway.

``error_message`` flattens the API's own JSON error into one line; ``summarise_body`` describes an answer that
is not the API's JSON (status aside): its content type, size and an HTML page's title (scrubbed), never its
text.

Pure: no HTTP, no Ansible.
"""

from __future__ import annotations

import functools
import html
import json
import re
from urllib.parse import quote, quote_plus

MASK = '********'
SUBSTRING_LENGTH = 4
# A secret of this length is masked with the word it is glued to; a shorter one only as a whole token.
GLUED_LENGTH = 3
# The shortest end of a text taken for the start of a secret that was cut there.
PREFIX_LENGTH = 3
TITLE_LIMIT = 80
_TITLE = re.compile(rb'<title[^>]*>(.*?)</title', re.IGNORECASE | re.DOTALL)
_HEX_ESCAPE = re.compile(r'(\\u|\\x|%)([0-9a-fA-F]{4}|[0-9a-fA-F]{2})')
# Where a server cut a text short: before "..." or "…" (group 1), or at the end of a line.
_CUT_ENDS = re.compile(r'(\.\.\.|\u2026)|[ \t]*$', re.MULTILINE)
_WORD = re.compile(r'\w')


def _swap_hex_case(text):
    """The other case of the hex digits of escapes (``\\u00e4`` / ``\\u00E4``, ``\\xe4`` / ``\\xE4``, ``%C3`` / ``%c3``)."""
    return _HEX_ESCAPE.sub(lambda match: match.group(1) + match.group(2).swapcase(), text)


def spellings(secret):
    """Every spelling of ``secret`` that an echo of it may take, longest first."""
    if not isinstance(secret, str) or not secret:
        return []
    forms = {secret, secret.strip(), ' '.join(secret.split())}
    for form in list(forms):
        ascii_json = json.dumps(form)[1:-1]
        forms.update((ascii_json, json.dumps(form, ensure_ascii=False)[1:-1], json.dumps(ascii_json)[1:-1],
                      repr(form)[1:-1], ascii(form)[1:-1], repr(form.encode('utf-8'))[2:-1],
                      form.encode('unicode_escape').decode('ascii'), re.escape(form),
                      ''.join('\\' + char for char in form), html.escape(form),
                      quote(form), quote(form, safe=''), quote_plus(form)))
    forms.update([_swap_hex_case(form) for form in forms])
    return sorted((form for form in forms if form), key=len, reverse=True)


def _literal(text):
    """A regex of ``text`` whose escapes' hex digits match in either case (``\\xe4``/``\\xE4``, ``%c3``/``%C3``)."""
    parts, last = [], 0
    for match in _HEX_ESCAPE.finditer(text):
        parts.append(re.escape(text[last:match.start(2)]))
        parts.append(''.join('[%s%s]' % (char.lower(), char.upper()) if char.isalpha() else char for char in match.group(2)))
        last = match.end()
    return ''.join(parts) + re.escape(text[last:])


def _pattern(form, length):
    """A regex of one spelling of a secret of ``length`` characters: any run of whitespace in it matches any
    run; a short secret not inside a word (GLUED_LENGTH: the word it is glued to goes with it)."""
    body = r'\s+'.join(_literal(part) for part in re.split(r'\s+', form))
    if length < GLUED_LENGTH:
        return r'(?<!\w)%s(?!\w)' % body
    return r'\w*%s\w*' % body if length == GLUED_LENGTH else body


@functools.lru_cache(maxsize=256)
def _compiled(secret):
    forms = spellings(secret)
    whole = re.compile('|'.join(_pattern(form, len(secret)) for form in forms))
    return whole, () if len(secret) < SUBSTRING_LENGTH else tuple(forms)


def _cut_ends(text, line_ends):
    """Where a server may have cut a text short: before each cut mark (``marked``), and, with ``line_ends``, at
    each line's end (the end of the server's own text)."""
    for match in _CUT_ENDS.finditer(text):
        if match.group(1) is not None or line_ends:
            yield match.start(), match.group(1) is not None


def _starts_a_word(text, begin):
    """True when ``text[begin]`` does not continue a word: ``api_password`` does not end in a cut ``word-123``."""
    return begin == 0 or not (_WORD.match(text[begin]) and _WORD.match(text[begin - 1]))


def _mask_cut_starts(text, forms, line_ends):
    """``text`` with the start of a spelling (PREFIX_LENGTH or more of its characters) masked where a server cut
    it: before a cut mark, or (``line_ends``) at the end of a line, not inside a word there."""
    for end, marked in sorted(_cut_ends(text, line_ends), reverse=True):
        for length in range(min(end, max(len(form) for form in forms) - 1), PREFIX_LENGTH - 1, -1):
            start = text[end - length:end]
            if any(len(form) > length and form.startswith(start) for form in forms) and (marked or _starts_a_word(text, end - length)):
                text = text[:end - length] + MASK + text[end:]
                break
    return text


def scrub(text, secrets, line_ends=False):
    """``text`` with every spelling of every secret of ``secrets``, and the start of one cut short before ``...``
    or ``…``, replaced by ********. ``line_ends``: ``text`` is a server's own (``scrub_server_text``)."""
    if not isinstance(text, str) or not text:
        return text
    for secret in _longest_first(secrets):
        whole, forms = _compiled(secret)
        text = whole.sub(MASK, text)
        if forms:
            text = _mask_cut_starts(text, forms, line_ends)
    return text


def scrub_server_text(text, secrets):
    """A server's own message scrubbed as ``scrub`` does, and the start of a secret at the end of one of its lines
    masked too: where a server cut its message, nothing marks the cut. Only a server's text: the end of a message
    of ours ("... has expired") is no cut, whatever a secret starts with."""
    return scrub(text, secrets, line_ends=True)


def _longest_first(secrets):
    return sorted(set(s for s in secrets or () if isinstance(s, str) and s), key=len, reverse=True)


def _scrub_cut_end(text, secrets):
    """Mask the end of a text that was cut when it is the start of a spelling of a secret."""
    for secret in _longest_first(secrets):
        for form in _compiled(secret)[1]:
            for length in range(min(len(form) - 1, len(text)), PREFIX_LENGTH - 1, -1):
                if text.endswith(form[:length]):
                    return text[:-length] + MASK
    return text


def scrub_and_cut(text, secrets, limit):
    """Scrub, then cut to ``limit`` characters (never the other way round), then scrub the cut end."""
    text = scrub(text, secrets)
    if len(text) > limit:
        text = _scrub_cut_end(text[:limit], secrets).rstrip() + '...'
    return text


def scrub_all(value, secrets):
    """``value`` (a result: dicts, lists, strings) with every secret scrubbed from its strings and keys."""
    if isinstance(value, str):
        return scrub(value, secrets)
    if isinstance(value, dict):
        return dict((scrub_all(key, secrets), scrub_all(item, secrets)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return type(value)(scrub_all(item, secrets) for item in value)
    return value


def error_message(payload):
    """Flatten a Django REST framework error body into one line.

    ``{"detail": "..."}`` gives the detail; ``{"field": ["msg", ...]}`` gives ``field: msg``.
    """
    if isinstance(payload, dict):
        if 'detail' in payload and len(payload) == 1:
            return str(payload['detail'])
        parts = []
        for field, messages in payload.items():
            if not isinstance(messages, list):
                messages = [messages]
            text_of = ' '.join(str(message) for message in messages)
            parts.append(text_of if field in ('detail', 'non_field_errors') else '%s: %s' % (field, text_of))
        return '; '.join(parts) or 'no message'
    if isinstance(payload, list):
        return '; '.join(str(item) for item in payload) or 'no message'
    return 'no message' if payload is None else str(payload)


def size_in_words(length):
    return '%d bytes' % length if length < 1024 else '%d kB' % (length // 1024)


def html_title(content):
    """The text of an HTML page's <title>, whitespace collapsed, or None."""
    match = _TITLE.search(content[:65536])
    if not match:
        return None
    title = ' '.join(html.unescape(match.group(1).decode('utf-8', 'replace')).split())
    return title or None


def summarise_body(content, content_type, secrets, complete=True):
    """An answer that is not the API's JSON in words: what it is and how large, an HTML page's title; never its text."""
    kind = (content_type or '').split(';')[0].strip() or 'no content type'
    size = size_in_words(len(content)) if complete else 'more than %s' % size_in_words(len(content))
    title = html_title(content)
    if title is None:
        return 'an answer of %s (%s)' % (size, kind) if content else 'an empty answer (%s)' % kind
    return 'an HTML page of %s (%s) titled "%s"' % (size, kind, scrub_and_cut(title, secrets, TITLE_LIMIT))
