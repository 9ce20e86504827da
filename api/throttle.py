"""Failed authentication is rate limited per client address (a sliding window per worker).

After `limit` failed attempts (a wrong, revoked or expired key) from one address within
`window` seconds, every further request from it that carries a key is refused with 429
and Retry-After until the oldest failure leaves the window; requests without a key are
served as before. The counts live in the worker's memory: with N workers an address
can fail up to N × limit times per window (docs/api.md says so).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

MAX_ADDRESSES = 10_000  # addresses tracked at once; the least recently failing are forgotten


class FailedAuthLimiter:
    """Failures per address in a sliding window; thread-safe."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, address: str) -> int | None:
        """Seconds until `address` may try a key again, or None if it may now."""
        if self.limit <= 0:
            return None
        with self._lock:
            times = self._recent(address)
            if times is None or len(times) < self.limit:
                return None
            return max(1, math.ceil(times[-self.limit] + self.window - self.clock()))

    def failed(self, address: str) -> None:
        """Count one failed attempt from `address`."""
        if self.limit <= 0:
            return
        with self._lock:
            times = self._recent(address)
            if times is None:
                times = self._failures[address] = deque(maxlen=self.limit)
            times.append(self.clock())
            self._failures.move_to_end(address)
            while len(self._failures) > MAX_ADDRESSES:
                self._failures.popitem(last=False)

    def _recent(self, address: str) -> deque[float] | None:
        times = self._failures.get(address)
        if times is None:
            return None
        horizon = self.clock() - self.window
        while times and times[0] <= horizon:
            times.popleft()
        if not times:
            del self._failures[address]
            return None
        return times
