"""API keys a process has looked up lately, kept for a few seconds (authentication per request).

Every keyed request authenticates, and a lookup in the database is a transaction of its
own. A key found is remembered for `seconds`: its expiry is still checked on every
request (the record holds it), and a key revoked through this process is forgotten at
once; a key revoked elsewhere (another worker, `eligibility keys revoke`) is refused
here within `seconds`. Keys not found are never remembered, so a new key works at once.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from eligibility.records import ApiKey

DEFAULT_SECONDS = 1.0
DEFAULT_MOST = 1024


class KeyCache:
    """Keys by the hash of their secret, each for `seconds` after it was read (0: none)."""

    def __init__(
        self,
        seconds: float = DEFAULT_SECONDS,
        most: int = DEFAULT_MOST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self.most = most
        self.clock = clock
        self._lock = threading.Lock()
        self._keys: OrderedDict[str, tuple[float, ApiKey]] = OrderedDict()

    def get(self, key_hash: str) -> ApiKey | None:
        """The key, if read less than `seconds` ago."""
        with self._lock:
            found = self._keys.get(key_hash)
            if found is None:
                return None
            read_at, key = found
            if self.clock() - read_at < self.seconds:
                return key
            del self._keys[key_hash]
            return None

    def put(self, key: ApiKey) -> None:
        """Remember a key just read (the oldest goes when `most` are kept)."""
        if self.seconds <= 0:
            return
        with self._lock:
            self._keys[key.key_hash] = (self.clock(), key)
            self._keys.move_to_end(key.key_hash)
            while len(self._keys) > self.most:
                self._keys.popitem(last=False)

    def forget(self, key_id: str) -> None:
        """Forget a key (revoked through this process)."""
        with self._lock:
            for key_hash in [h for h, (_, key) in self._keys.items() if key.id == key_id]:
                del self._keys[key_hash]
