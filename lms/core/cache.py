"""What every learner's page shows the same way, built once per process: a course's outline, a quiz's
questions and answers, rendered fragments of the course page.

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


def cached(key: Hashable, build: Callable[[], T]) -> T:
    """``build()`` once per ``key`` in this application; ``key`` must hold the content key it depends on."""
    return current_app.extensions[EXTENSION].get(key, build)
