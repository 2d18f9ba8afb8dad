"""Prometheus metrics, served at ``/metrics`` by the Rasa server and the action
server (bot/ops/probes.py).

Counts only, never content: every label takes its value from a short fixed set
(a channel name, an outcome, an action's name, a level), never from a sender, a
message or a case reference. ``tests/unit/test_operations.py`` holds each label to
that."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

# Every metric lives in one registry of ours, not prometheus_client's global one,
# so tests can read it and nothing a library registers leaks into the output.
REGISTRY = CollectorRegistry()
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Turn latency buckets: a turn is tens of milliseconds; the safety net answers at
# the channel's turn timeout (20 s by default).
_TURN_BUCKETS = (0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2.5, 5, 10, 20, 30)

# --- Rasa server -------------------------------------------------------------
TURNS = Counter(
    "golden_hour_turns",
    "User turns by channel and outcome (ok, action_failed, tracker_failed, timeout, error).",
    ["channel", "outcome"],
    registry=REGISTRY,
)
TURN_SECONDS = Histogram(
    "golden_hour_turn_seconds",
    "Seconds from a message arriving to its answer, by channel.",
    ["channel"],
    buckets=_TURN_BUCKETS,
    registry=REGISTRY,
)
SAFETY_NET = Counter(
    "golden_hour_safety_net",
    "Turns answered with the safety message, by cause.",
    ["cause"],
    registry=REGISTRY,
)
TRACKER_STORE_ERRORS = Counter(
    "golden_hour_tracker_store_errors",
    "Failed reads and writes of Rasa's conversation store.",
    ["operation"],
    registry=REGISTRY,
)
DELIVERY_FAILURES = Counter(
    "golden_hour_delivery_failures",
    "Replies that could not be delivered to Teams or by Twilio.",
    ["channel"],
    registry=REGISTRY,
)

# --- action server -----------------------------------------------------------
ACTIONS = Counter(
    "golden_hour_actions",
    "Custom actions run, by action and outcome (ok or failed).",
    ["action", "outcome"],
    registry=REGISTRY,
)
STORE_ERRORS = Counter(
    "golden_hour_store_errors",
    "Failed writes to Golden Hour's own store (cases, training).",
    ["store"],
    registry=REGISTRY,
)
CASE_REFUSALS = Counter(
    "golden_hour_case_refusals",
    "Saves refused because the case belongs to another conversation.",
    registry=REGISTRY,
)
RETENTION_RUNS = Counter(
    "golden_hour_retention_runs",
    "Scheduled retention runs, by outcome (ok or failed).",
    ["outcome"],
    registry=REGISTRY,
)
RETENTION_DELETED = Counter(
    "golden_hour_retention_deleted",
    "Rows deleted by retention, by kind.",
    ["kind"],
    registry=REGISTRY,
)


class CasesByLevel(Collector):
    """The stored cases counted by going-missing and concern level, read from the
    case store when scraped (so every action server reports the same totals)."""

    def __init__(self, count: Callable[[], Iterable[tuple[str, str, int]]]) -> None:
        self._count = count

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "golden_hour_cases",
            "Cases in the store by going-missing and concern level (none: not assessed).",
            labels=["going_missing", "concern"],
        )
        try:
            rows = list(self._count())
        except Exception:  # the store is down: report no figure rather than fail
            rows = []
        for going_missing, concern, n in rows:
            family.add_metric([going_missing or "none", concern or "none"], n)
        yield family


_case_collector: CasesByLevel | None = None


def count_cases_with(count: Callable[[], Iterable[tuple[str, str, int]]]) -> None:
    """Report cases by level from ``count`` (the action server calls this once)."""
    global _case_collector
    if _case_collector is not None:
        REGISTRY.unregister(_case_collector)
    _case_collector = CasesByLevel(count)
    REGISTRY.register(_case_collector)


def render() -> bytes:
    """The registry in Prometheus's text format."""
    return generate_latest(REGISTRY)
