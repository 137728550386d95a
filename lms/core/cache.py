"""What every learner's page shows the same way, built once per process: a course's outline, a quiz's
questions and answers, rendered fragments of the course page and of the layout.

Entries are keyed on the course's ``content_key``, which the flush writing any change to the course's content
replaces (lms.authoring.models). A request reads the key with the course it loads anyway, so an entry is
never stale, in any process: after an edit the next request simply asks for a new key, and the old entries
leave the least-recently-used end of the cache. One cache per application (tests build many), bounded.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import Flask, current_app
from jinja2 import nodes
from jinja2.ext import Extension

T = TypeVar("T")
EXTENSION = "lms_content_cache"


class ContentCache:
    """A bounded least-recently-used map, safe for threaded workers. Two threads missing the same key at once
    both build it (the values are equal); building happens outside the lock."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]  # type: ignore[return-value]
        value = build()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._entries)


def init_content_cache(app: Flask) -> None:
    app.extensions[EXTENSION] = ContentCache(app.config["CONTENT_CACHE_SIZE"])
    app.jinja_env.add_extension(FragmentCache)


def cached(key: Hashable, build: Callable[[], T]) -> T:
    """``build()`` once per ``key`` in this application. ``key`` names everything the value depends on: for
    anything of a course, its content key."""
    return current_app.extensions[EXTENSION].get(key, build)


class FragmentCache(Extension):
    """``{% cached "name", key, ... %}…{% endcached %}``: the body rendered once per key in this process, for
    template output that depends on nothing but its key (and the app's configuration): the site's navigation
    per locale, role and page, the footer per locale. Whatever else the body reads would be frozen at its first
    rendering, so name every value it reads in the key."""

    tags = {"cached"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        key = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcached",), drop_needle=True)
        call = self.call_method("_render", [nodes.Tuple(key, "load")])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    @staticmethod
    def _render(key: tuple, caller: Callable[[], str]) -> str:
        return cached(("fragment", *key), caller)
