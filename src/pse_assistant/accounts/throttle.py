"""Sign-in throttling: after repeated failures an account, or a client address, is locked out.

Both keys count, so that guessing many passwords for one account (from many addresses) and one
password against many accounts (from one address) are both stopped. The counts live in this
process's memory: a restart forgets them, and each instance of a multi-instance deployment counts
on its own (at most instances × `login_max_failures` guesses per lockout period), which still
bounds guessing to a few dozen tries an hour against Argon2-hashed passwords.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Count:
    failures: int = 0
    locked_until: float = 0.0
    first: float = field(default_factory=time.monotonic)


class Throttle:
    """Counts failed sign-ins per key and says how long a key is locked.

    Args:
        max_failures: failures within `window` seconds that lock a key.
        lockout: seconds a locked key stays locked; also the window failures are counted in.
        clock: monotonic seconds (tests pass their own).
    """

    def __init__(
        self, max_failures: int, lockout: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_failures, self.lockout, self.clock = max_failures, lockout, clock
        self._counts: dict[str, _Count] = {}
        self._lock = threading.Lock()

    def retry_after(self, *keys: str) -> int:
        """Seconds until every key may try again; 0 when none is locked."""
        now = self.clock()
        with self._lock:
            waits = [c.locked_until - now for k in keys if (c := self._counts.get(k))]
        return max([0, *(int(w) + 1 for w in waits if w > 0)])

    def failed(self, *keys: str) -> None:
        """Count a failure against each key, locking those that reach the limit."""
        now = self.clock()
        with self._lock:
            if len(self._counts) > 100_000:  # a flood of addresses must not grow memory forever
                self._forget(now)
            for key in keys:
                count = self._counts.get(key)
                if count is None or now - count.first > self.lockout:
                    count = self._counts[key] = _Count(first=now)
                count.failures += 1
                if count.failures >= self.max_failures:
                    count.locked_until = now + self.lockout
                    count.failures, count.first = 0, now

    def succeeded(self, *keys: str) -> None:
        """A successful sign-in clears the account's count (an address keeps its own)."""
        with self._lock:
            for key in keys:
                self._counts.pop(key, None)

    def _forget(self, now: float) -> None:
        """Drop the counts that are neither locked nor inside their window any more."""
        stale = [
            key
            for key, count in self._counts.items()
            if count.locked_until < now and now - count.first > self.lockout
        ]
        for key in stale:
            del self._counts[key]
