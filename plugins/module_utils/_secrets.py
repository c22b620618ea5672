# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Keep secrets (passwords, tokens) out of every message, and never echo what a server sent back.

``scrub(text, secrets)`` replaces every spelling of every secret a server (or a library) may have echoed:
as is, JSON-escaped (with and without ASCII escapes, and twice), ``repr``, HTML-escaped, URL-encoded
(``quote`` and ``quote_plus``), with its whitespace collapsed. Scrub first, then cut (``scrub_and_cut``),
so a cut never leaves the start of a secret behind; a cut that falls at the start of a spelling masks it.
``scrub_all`` does the same through a result (dicts, lists).

A secret of at least ``SUBSTRING_LENGTH`` characters is masked wherever it occurs. A shorter one (a
one-character password still is one) is masked where it stands as a whole token or quoted value, not
inside words: masking every ``a`` would wreck the message and tell the secret anyway.

``summarise_body`` describes an answer that is not the API's JSON (status aside): its content type, size
and an HTML page's title (scrubbed), never its text.

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
# The shortest end of a text taken for the start of a secret that was cut there.
PREFIX_LENGTH = 3
TITLE_LIMIT = 80
_TITLE = re.compile(rb'<title[^>]*>(.*?)</title', re.IGNORECASE | re.DOTALL)
_HEX_ESCAPE = re.compile(r'(\\u[0-9a-f]{4}|%[0-9A-F]{2})')


def _swap_hex_case(text):
    """The other case of the hex digits of escapes (``\\u00e4`` / ``\\u00E4``, ``%C3`` / ``%c3``)."""
    return _HEX_ESCAPE.sub(lambda match: match.group(0).swapcase().replace('\\U', '\\u'), text)


def spellings(secret):
    """Every spelling of ``secret`` that an echo of it may take, longest first."""
    if not isinstance(secret, str) or not secret:
        return []
    forms = {secret, secret.strip(), ' '.join(secret.split())}
    for form in list(forms):
        ascii_json = json.dumps(form)[1:-1]
        forms.update((ascii_json, json.dumps(form, ensure_ascii=False)[1:-1], json.dumps(ascii_json)[1:-1],
                      repr(form)[1:-1], repr(form.encode('utf-8'))[2:-1], html.escape(form),
                      quote(form), quote(form, safe=''), quote_plus(form)))
    forms.update([_swap_hex_case(form) for form in forms])
    return sorted((form for form in forms if form), key=len, reverse=True)


def _pattern(form, whole):
    """A regex of one spelling: any run of whitespace in it matches any run; ``whole``: not inside a word."""
    body = r'\s+'.join(re.escape(part) for part in re.split(r'\s+', form))
    return r'(?<!\w)%s(?!\w)' % body if whole else body


@functools.lru_cache(maxsize=256)
def _compiled(secret):
    forms = spellings(secret)
    whole = len(secret) < SUBSTRING_LENGTH
    return re.compile('|'.join(_pattern(form, whole) for form in forms)), () if whole else tuple(forms)


def scrub(text, secrets):
    """``text`` with every spelling of every secret of ``secrets`` replaced by ********."""
    if not isinstance(text, str) or not text:
        return text
    for secret in _longest_first(secrets):
        text = _compiled(secret)[0].sub(MASK, text)
    return text


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
