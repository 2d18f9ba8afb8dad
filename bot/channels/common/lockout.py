"""Lockout after wrong passwords (the trainer's view), kept in this process's memory.

- Per address: after ``per_address`` wrong passwords in ``window_s`` seconds, that
  address is refused (429 with Retry-After) until its oldest failure leaves the
  window, even with the right password.
- Everyone: past ``global_limit`` wrong passwords in the window (many addresses
  guessing), the limit only slows guessing: an address that has got the password
  wrong once in the window must wait, while an address with no failure still has
  its password checked, so a trainer who types it right still gets in. The same
  rule as resume codes (bot/store/resume.py).

Counts live in memory: a restart clears them, and each Rasa server keeps its own.
Behind a reverse proxy the address is the client's only if Sanic is told about the
proxy (SANIC_PROXIES_COUNT or SANIC_REAL_IP_HEADER); otherwise every request
shares the proxy's address.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

# Addresses remembered at most (the oldest are forgotten first), so a flood of
# addresses cannot grow memory without bound.
MAX_ADDRESSES = 10_000


@dataclass
class Lockout:
    per_address: int = 5
    global_limit: int = 50
    window_s: float = 15 * 60
    clock: Callable[[], float] = time.monotonic
    _by_address: dict[str, deque[float]] = field(default_factory=dict, repr=False)
    # The latest failures from everyone; only whether there are global_limit of
    # them in the window matters, so no more are kept.
    _everyone: deque[float] = field(default_factory=deque, repr=False)

    def __post_init__(self) -> None:
        self._everyone = deque(maxlen=max(1, self.global_limit))

    def _prune(self, now: float) -> None:
        edge = now - self.window_s
        while self._everyone and self._everyone[0] <= edge:
            self._everyone.popleft()
        for address in [a for a, times in self._by_address.items() if times[-1] <= edge]:
            del self._by_address[address]

    def retry_after(self, address: str) -> int | None:
        """Seconds ``address`` must wait before trying again, or None if it may try."""
        now = self.clock()
        self._prune(now)
        times = self._by_address.get(address)
        if not times:
            return None
        edge = now - self.window_s
        recent = [t for t in times if t > edge]
        if len(recent) >= self.per_address:
            # Free again when enough failures have left the window.
            release = recent[len(recent) - self.per_address] + self.window_s
            return max(1, math.ceil(release - now))
        if len(self._everyone) >= self.global_limit:
            # Many addresses guessing: one try per address in the window.
            return max(1, math.ceil(recent[-1] + self.window_s - now))
        return None

    def failed(self, address: str) -> int:
        """Count a wrong password; the address's failures in the window."""
        now = self.clock()
        self._prune(now)
        times = self._by_address.pop(address, deque())
        times.append(now)
        while len(times) > self.per_address:
            times.popleft()
        self._by_address[address] = times  # most recent last, for forgetting
        while len(self._by_address) > MAX_ADDRESSES:
            del self._by_address[next(iter(self._by_address))]
        self._everyone.append(now)
        return len(times)

    def succeeded(self, address: str) -> None:
        self._by_address.pop(address, None)

    @property
    def under_attack(self) -> bool:
        """Whether the global figure of wrong passwords is reached in the window."""
        self._prune(self.clock())
        return len(self._everyone) >= self.global_limit
