# -*- coding: utf-8 -*-
# Copyright (c) 2026, Testpress LMS collection contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The pages of a Django REST framework list: their shape, their links, and when a list does not end.

Pure: ``_client.get_all`` reads the pages, this says what they mean.
"""

from __future__ import annotations

import math
from urllib.parse import parse_qsl, urlencode, urlsplit

# A list may grow while it is read, so it may take more pages than its first page's count says: up to
# 10% more, or PAGE_MARGIN, before it counts as a list that does not end.
PAGE_MARGIN = 10
# Whatever count says, or when there is none: 1,000,000 items at 20 a page.
MAX_PAGES = 50000


def kind_of(value):
    return 'nothing' if value is None else 'a %s' % type(value).__name__


def not_a_page(answer):
    """Why ``answer`` is not a page of a list (``results``, ``next``, ``count``), or None."""
    if not isinstance(answer, dict):
        return 'the answer is %s, not a page of results' % kind_of(answer)
    results, count, next_url = answer.get('results'), answer.get('count'), answer.get('next')
    if not isinstance(results, list) or not all(isinstance(item, dict) for item in results):
        return 'the answer is not a page of results: its results are not a list of objects'
    if not (next_url is None or isinstance(next_url, str)) or isinstance(count, bool) or not (count is None or isinstance(count, int)):
        return 'the answer is not a page of results: next or count has the wrong type'
    return None


def list_ends(page):
    """True when ``page`` ends its list whatever its ``next`` says: an empty page of a list that gives no
    ``count`` (nothing else bounds it: Django REST framework never links an empty page to another)."""
    return not page['results'] and page.get('count') is None


def query_of(url):
    """The query of a page link, as the pairs to send: a link's scheme, host and path are never used."""
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def page_key(pairs):
    """What makes two links the same page of one list."""
    return tuple(sorted((str(name), str(value)) for name, value in pairs))


def page_limit(first_page):
    """How many pages a list may take before it counts as one that does not end (see PAGE_MARGIN)."""
    count, results = first_page.get('count'), first_page['results']
    per_page = first_page.get('per_page')
    if not isinstance(per_page, int) or isinstance(per_page, bool) or per_page <= 0:
        per_page = len(results)
    if count is None or per_page <= 0:
        return MAX_PAGES
    expected = math.ceil(count / per_page)
    return min(MAX_PAGES, expected + max(PAGE_MARGIN, expected // 10))


def page_count(first_page, per_page):
    """How many pages the list takes, as its first page's ``count`` says (1 when it does not say)."""
    count = first_page.get('count')
    if not isinstance(count, int) or isinstance(count, bool) or per_page <= 0:
        return 1
    return max(1, math.ceil(count / per_page))


def page_urls(first_page, per_page):
    """The links of pages 2..last, made from the first page's ``next`` link and ``count``.

    The page number is the query parameter whose value is 2 in ``next`` (Django REST
    framework's ``page``). None when the answer does not have that shape: read page by page then.
    """
    count, next_url = first_page.get('count'), first_page.get('next')
    if not next_url or not isinstance(count, int) or per_page <= 0 or math.ceil(count / per_page) > MAX_PAGES:
        return None
    parts = urlsplit(next_url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    numbered = [index for index, (_name, value) in enumerate(query) if value == '2']
    if len(numbered) != 1:
        return None
    position = numbered[0]
    urls = []
    for number in range(2, math.ceil(count / per_page) + 1):
        query[position] = (query[position][0], str(number))
        urls.append(parts._replace(query=urlencode(query)).geturl())
    return urls
