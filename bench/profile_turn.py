"""Where the time of one typed turn goes (issue 21, "Fast with typed text"):
which pipeline component, which policy node, which part of the action, which
database call. Measurement only: nothing here changes how a turn runs.

    .venv/bin/python -m bench.profile_turn [--repeat N] [--plain DIR]

Loads the trained model (models/CURRENT) in this process with the project's
endpoints.yml: the tracker store is the real ScrubbingSQLTrackerStore on a
throwaway SQLite file, the case store a throwaway SQLite file too. The action
endpoint is replaced by rasa_sdk's ActionExecutor with the project's actions,
called in this process: the action call's JSON still makes the round trip
(dumped and loaded, as on the wire), only the loopback HTTP between the two
servers is left out. Then the scripted conversations of
tests/data/conversations_dev.yml are played exactly as bench/conversations.py
plays them (the same scripted professional, typing every answer), and every
stage of every turn is timed:

- ``turn``: Agent.handle_message, the whole turn as the REST channel runs it;
- ``tracker.*``: the tracker store's read and save;
- ``nlu`` and ``nlu/<component>``: the NLU graph and each of its nodes
  (rasa/engine/graph.py GraphNode.__call__ is wrapped);
- ``policy`` and ``policy/<node>``: next-action prediction (twice a turn: the
  custom action, then action_listen);
- ``action`` and ``action/*``: the custom action, with its parts (the JSON round
  trip, rebuilding the case, the turn logic, the reader, the case store save, the
  sealing of the case slot);
- ``db/<store>/<statement>``: every SQL statement, by store and kind, and each
  commit;
- ``events.deserialise_events``: Rasa's event parsing (the action's answer and
  every tracker read).

Turns of whole-message answer words (bot/nlp/answer_words.py decides their
intent whatever the readers before it said) get a table of their own.

Times are per turn (a stage run twice in a turn counts once, summed), reported
as median and p95 over the turns, with each stage's share of all turn time. The
machine is shared, so the shares are the figures to compare; absolute ms are
noisy. Stages nest (``nlu`` includes the ``nlu/*`` rows): the table says which.

With ``--plain DIR`` the same typed messages also go through the plain bot of
bench/load.py (``rasa init --no-prompt``: made and trained in DIR first when DIR
holds no model, about a minute), its turn, NLU and policies timed the same way.

Prints the table and writes results/profile.json (a build output). Needs a
trained model (scripts/run or scripts/test first).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import inspect
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS_FILE = ROOT / "results" / "profile.json"
DEFAULT_SEED = 18  # bench/conversations.py's
CALLS = "#"  # prefix of a per-turn call count in a turn's dict


# --- timing ---------------------------------------------------------------------------------


@dataclass
class Profile:
    """Per-turn sums of each stage's time (ms), and how often each ran."""

    # One dict per turn: stage -> ms, and CALLS + stage -> how many times it ran.
    turns: list[dict[str, float]] = field(default_factory=list)
    current: dict[str, float] | None = None  # the turn being timed, if any
    # Which graph run a node belongs to ("nlu" or "policy"), while one runs.
    phase: str = "graph"

    def add(self, stage: str, ms: float) -> None:
        if self.current is None:
            return  # outside a timed turn (warm-up, reading the tracker back)
        self.current[stage] = self.current.get(stage, 0.0) + ms
        self.current[CALLS + stage] = self.current.get(CALLS + stage, 0) + 1

    @contextlib.contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(stage, (time.perf_counter() - start) * 1000)

    @contextlib.contextmanager
    def turn(self) -> Iterator[dict[str, float]]:
        self.current = {}
        try:
            yield self.current
        finally:
            self.turns.append(self.current)
            self.current = None


def wrap(owner: Any, attr: str, stage: str, profile: Profile) -> None:
    """Replace ``owner.attr`` (a function or method, sync or async; a static or
    class method stays one) by one that times each call as ``stage``."""
    static = inspect.getattr_static(owner, attr)
    original = getattr(owner, attr)  # for a class method: bound to its class

    if asyncio.iscoroutinefunction(original):

        @functools.wraps(original)
        async def timed(*args: Any, **kwargs: Any) -> Any:
            with profile.timed(stage):
                return await original(*args, **kwargs)

    else:

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with profile.timed(stage):
                return original(*args, **kwargs)

    if isinstance(static, staticmethod):
        setattr(owner, attr, staticmethod(timed))
    elif isinstance(static, classmethod):
        # Called on the class (Case.from_dict(...)): drop the class Python passes.
        setattr(owner, attr, classmethod(lambda _cls, *a, **k: timed(*a, **k)))
    else:
        setattr(owner, attr, timed)


def node_label(node_name: str) -> str:
    """A graph node's name without Rasa's prefix, index and our module path:
    "run_bot.nlp.sentence_encoder.SentenceEncoder6" -> "SentenceEncoder"."""
    name = re.sub(r"^run_", "", node_name)
    name = re.sub(r"\d+$", "", name)
    return name.rsplit(".", 1)[-1]


_VERB = re.compile(r"^\s*(select|insert|update|delete)\b", re.IGNORECASE)
_TABLE = re.compile(r"\b(?:from|into|update)\s+\"?(\w+)", re.IGNORECASE)


def statement_label(statement: str) -> str:
    """ "SELECT ... FROM events ..." -> "select events" (the first table named)."""
    verb = _VERB.match(statement)
    table = _TABLE.search(statement)
    kind = verb.group(1).lower() if verb else statement.split(None, 1)[0].lower()
    return f"{kind} {table.group(1)}" if table else kind


def instrument_database(profile: Profile, store_of: Callable[[Any], str]) -> None:
    """Time every SQL statement on every engine, by store and statement kind, and
    every commit."""
    from sqlalchemy import event
    from sqlalchemy.engine import Connection, Engine

    @event.listens_for(Engine, "before_cursor_execute")
    def _before(conn, _cursor, _statement, _params, context, _many):
        conn.info.setdefault("gh_started", []).append(time.perf_counter())

    @event.listens_for(Engine, "after_cursor_execute")
    def _after(conn, _cursor, statement, _params, _context, _many):
        started = conn.info["gh_started"].pop()
        label = statement_label(statement)
        profile.add(f"db/{store_of(conn.engine)}/{label}", (time.perf_counter() - started) * 1000)

    # SQLAlchemy has no event after a commit: time the connection's commit itself
    # (SQLite writes the file then).
    original_commit = Connection._commit_impl

    def timed_commit(self: Connection, *args: Any, **kwargs: Any) -> Any:
        with profile.timed(f"db/{store_of(self.engine)}/commit"):
            return original_commit(self, *args, **kwargs)

    Connection._commit_impl = timed_commit  # type: ignore[method-assign]


def instrument_rasa(profile: Profile) -> None:
    """Wrap the graph nodes and the processor's stages."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.engine.graph import GraphNode
    from rasa.shared.core import events

    original_call = GraphNode.__call__

    def timed_call(self: GraphNode, *inputs: Any) -> Any:
        with profile.timed(f"{profile.phase}/{node_label(self._node_name)}"):
            return original_call(self, *inputs)

    GraphNode.__call__ = timed_call  # type: ignore[method-assign]

    def in_phase(phase: str, original: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def run(*args: Any, **kwargs: Any) -> Any:
            profile.phase = phase
            try:
                with profile.timed(phase):
                    return original(*args, **kwargs)
            finally:
                profile.phase = "graph"

        return run

    MessageProcessor._parse_message_with_graph = in_phase(  # type: ignore[method-assign]
        "nlu", MessageProcessor._parse_message_with_graph
    )
    MessageProcessor._predict_next_with_tracker = in_phase(  # type: ignore[method-assign]
        "policy", MessageProcessor._predict_next_with_tracker
    )
    for owner, name, stage in (
        (MessageProcessor, "parse_message", "nlu+message handling"),
        (MessageProcessor, "run_action_extract_slots", "action_extract_slots"),
        (MessageProcessor, "run_anonymization_pipeline", "anonymization"),
        (RemoteAction, "run", "action"),
        (RemoteAction, "_action_call_format", "action/call body (tracker as dict)"),
        (RemoteAction, "_validate_action_result", "action/validate answer (jsonschema)"),
        (RemoteAction, "_utter_responses", "action/utter responses"),
        # Called for the action's answer and for every tracker read (from_dict).
        (events, "deserialise_events", "events.deserialise_events"),
    ):
        wrap(owner, name, stage, profile)


def instrument_tracker_store(profile: Profile) -> None:
    from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.rasa_adapter import tracker_store as scrubbing

    for owner, name, stage in (
        (scrubbing.ScrubbingSQLTrackerStore, "retrieve", "tracker.retrieve"),
        (scrubbing.ScrubbingSQLTrackerStore, "save", "tracker.save"),
        (SQLTrackerStore, "_additional_events", "tracker.save/count stored events"),
        (DialogueStateTracker, "from_dict", "tracker.retrieve/replay events"),
        (scrubbing, "scrub_event", "tracker.save/scrub events"),
        # The plain bot's (rasa init's endpoints.yml keeps conversations in memory).
        (InMemoryTrackerStore, "retrieve", "tracker.retrieve"),
        (InMemoryTrackerStore, "save", "tracker.save"),
    ):
        wrap(owner, name, stage, profile)


def instrument_actions(profile: Profile) -> None:
    """The parts of GoldenHourAction.run (actions/base.py), by the names it calls."""
    import actions.base as base
    from bot import conversation, logs
    from bot.store import cases, record

    wrap(base, "open_case", "action/open_case (unseal slot)", profile)
    wrap(base.Case, "from_dict", "action/Case.from_dict", profile)
    wrap(base, "listened", "action/listened (turn + reader)", profile)
    wrap(base, "handle", "action/listened/handle", profile)
    wrap(conversation, "handle", "action/listened/handle", profile)
    wrap(conversation, "urgent", "action/listened/urgent", profile)
    wrap(conversation, "read", "action/listened/reader (bot.reader.read)", profile)
    wrap(conversation, "assess", "action/assess (bot.triage)", profile)
    wrap(record, "record_turn", "action/record_turn", profile)
    wrap(record, "snapshot", "action/record_turn/snapshot (assess)", profile)
    wrap(cases.CaseStore, "save", "action/record_turn/CaseStore.save", profile)
    wrap(base, "seal_case", "action/seal_case (slot)", profile)
    wrap(logs, "pseudonym", "action/pseudonym", profile)
    from rasa_sdk.interfaces import Tracker

    wrap(Tracker, "from_dict", "action/rasa_sdk Tracker.from_dict", profile)


# --- the action server, in this process ---------------------------------------------------


def in_process_actions(profile: Profile) -> Any:
    """An EndpointConfig whose requests run rasa_sdk's executor here, with the
    call and the answer dumped to JSON and loaded back as on the wire."""
    from rasa.utils.endpoints import EndpointConfig
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")

    class InProcessActions(EndpointConfig):
        async def request(self, method: str = "post", **kwargs: Any) -> Any:
            with profile.timed("action/wire JSON (dump + load both ways)"):
                body = json.dumps(kwargs["json"])
                call = json.loads(body)
            profile.add("action/call body kB", len(body) / 1000)
            with profile.timed("action/executor (actions/base.py run)"):
                answer = await executor.run(call)
            with profile.timed("action/wire JSON (dump + load both ways)"):
                return json.loads(json.dumps(answer))

    return InProcessActions(url="http://in-process/webhook")


# --- playing the conversations ---------------------------------------------------------------


@dataclass
class Sent:
    conversation: str
    text: str
    first: bool


class InProcess:
    """What bench.conversations.play needs of the servers (``send``, ``tracker``),
    over an agent in this process."""

    def __init__(self, agent: Any, loop: asyncio.AbstractEventLoop, profile: Profile) -> None:
        self.agent, self.loop, self.profile = agent, loop, profile
        self.sent: list[Sent] = []
        self.safety_replies = 0
        self._seen: set[str] = set()
        self.timing = True

    def send(self, sender: str, text: str) -> Any:
        from rasa.core.channels.channel import UserMessage

        from bot.channels.common.collect import CustomCollector
        from tests.e2e.harness import Reply

        collector = CustomCollector()
        message = UserMessage(text, collector, sender, input_channel="rest")
        from bot.nlp.answer_lexicon import answer_intent

        first = sender not in self._seen
        self._seen.add(sender)
        if self.timing:
            self.sent.append(Sent(sender, text, first))
            with self.profile.turn() as turn:
                start = time.perf_counter()
                self.loop.run_until_complete(self.agent.handle_message(message))
                turn["turn"] = (time.perf_counter() - start) * 1000
                turn["first message" if first else "answer"] = 1
                if answer_intent(text) is not None:
                    # AnswerWords (bot/nlp/answer_words.py) decides this one's intent.
                    turn["answer word"] = 1
        else:
            self.loop.run_until_complete(self.agent.handle_message(message))
        self.safety_replies += sum(
            (m.get("custom") or {}).get("kind") == "safety" for m in collector.messages
        )
        return Reply(200, list(collector.messages))

    def tracker(self, sender: str) -> dict[str, Any]:
        tracker = self.loop.run_until_complete(self.agent.tracker_store.retrieve(sender))
        return tracker.current_state() if tracker is not None else {"slots": {"case": {}}}


def play_all(servers: InProcess, seed: int, repeat: int, only: int | None) -> int:
    from bench.conversations import load_scripts, play, unplaced_texts
    from bot.knowledge import load_knowledge

    kb = load_knowledge(strict_review=False)
    unplaced = unplaced_texts(kb)
    scripts = load_scripts()[:only] if only else load_scripts()
    played = 0
    for round_ in range(repeat):
        for script in scripts:
            # tracker() reads between turns are bench bookkeeping, not a turn's cost.
            outcome = play(servers, kb, script, seed + round_, unplaced)
            played += outcome.turns
            print(f"played {script.id}: {outcome.turns} turns", file=sys.stderr)
    return played


# --- the table --------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[rank]


SKIP = ("first message", "answer", "answer word", "action/call body kB")


def summarise(turns: Sequence[dict[str, float]]) -> list[dict[str, Any]]:
    """One row per stage: median and p95 over the turns it ran in, mean over all
    turns, share of all turn time, calls per turn."""
    total = sum(t.get("turn", 0.0) for t in turns) or 1.0
    stages = sorted({s for t in turns for s in t if s not in SKIP and not s.startswith(CALLS)})
    rows = []
    for stage in stages:
        ran = [t[stage] for t in turns if stage in t]
        rows.append(
            {
                "stage": stage,
                "turns_run": len(ran),
                "calls_per_turn": sum(t.get(CALLS + stage, 0) for t in turns) / len(turns),
                "median_ms": statistics.median(ran),
                "p95_ms": percentile(ran, 0.95),
                "mean_ms_per_turn": sum(ran) / len(turns),
                "share": sum(ran) / total,
            }
        )
    rows.sort(key=lambda r: -r["mean_ms_per_turn"])
    return rows


def _mean(turns: Sequence[dict[str, float]], stage: str) -> float:
    return sum(t.get(stage, 0.0) for t in turns) / max(len(turns), 1)


def table(rows: Sequence[dict[str, Any]], title: str, limit: int | None = None) -> str:
    lines = [
        title,
        f"{'stage':58} {'median':>7} {'p95':>7} {'mean/turn':>9} {'share':>6} {'calls/turn':>10}",
    ]
    for r in rows[:limit]:
        lines.append(
            f"{r['stage'][:58]:58} {r['median_ms']:7.2f} {r['p95_ms']:7.2f} "
            f"{r['mean_ms_per_turn']:9.2f} {r['share']:6.1%} {r['calls_per_turn']:10.2f}"
        )
    return "\n".join(lines)


# --- the plain bot ---------------------------------------------------------------------------


def plain_model(folder: Path) -> Path:
    """The `rasa init` bot's trained model in ``folder``, made first if there is none
    (`rasa init --no-prompt` trains it: about a minute here)."""
    from tests.e2e.harness import VENV_BIN

    if not sorted((folder / "models").glob("*.tar.gz")):
        folder.mkdir(parents=True, exist_ok=True)
        print(f"training the plain bot in {folder} ...", file=sys.stderr)
        subprocess.run(
            [str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(folder)],
            check=True,
            capture_output=True,
            cwd=folder,
        )
    return sorted((folder / "models").glob("*.tar.gz"))[-1]


def profile_plain(
    model: Path, sent: Sequence[Sent], loop: asyncio.AbstractEventLoop, profile: Profile
) -> list[dict[str, float]]:
    """The same typed messages, conversation by conversation, through the plain
    bot's turn (its own model, in-memory tracker store, no action server); the
    instrumented graph nodes and processor stages time it as they time ours."""
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    agent = Agent.load(str(model))

    def handle(sender: str, text: str) -> None:
        message = UserMessage(text, CollectingOutputChannel(), sender, input_channel="rest")
        loop.run_until_complete(agent.handle_message(message))

    for s in sent[:10]:  # warm-up, not timed
        handle("warm-" + s.conversation, s.text)
    profile.turns = []
    for s in sent:
        with profile.turn() as turn:
            start = time.perf_counter()
            handle("plain-" + s.conversation, s.text)
            turn["turn"] = (time.perf_counter() - start) * 1000
            turn["first message" if s.first else "answer"] = 1
    return list(profile.turns)


# --- main ---------------------------------------------------------------------------------------


def configure_environment(workdir: Path) -> None:
    """Throwaway stores and keys, as the end-to-end harness gives the servers."""
    from cryptography.fernet import Fernet

    os.environ.update(
        RASA_TELEMETRY_ENABLED="false",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        TF_CPP_MIN_LOG_LEVEL="2",
        GOLDEN_HOUR_ACTION_URL="http://in-process/webhook",
        GOLDEN_HOUR_TRACKER_DB=str(workdir / "conversations.db"),
        GOLDEN_HOUR_DATABASE_URL=f"sqlite:///{workdir / 'golden_hour.db'}",
        GOLDEN_HOUR_DATA_KEYS=Fernet.generate_key().decode(),
        GOLDEN_HOUR_ACTION_SECRET="profile-not-a-secret",
        GOLDEN_HOUR_LOG_LEVEL="WARNING",
        LOG_LEVEL="WARNING",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="play the conversations N times")
    parser.add_argument("--only", type=int, help="play only the first N conversations")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--plain",
        type=Path,
        help="also time the plain `rasa init` bot in this folder (made and trained if empty)",
    )
    parser.add_argument(
        "--rasa-check",
        action="store_true",
        help="keep Rasa's own check of action answers (the servers build it once)",
    )
    args = parser.parse_args(argv)
    if not args.rasa_check:
        from bot.rasa_adapter import action_answers

        action_answers.install()  # as every channel does at server start

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        configure_environment(workdir)
        import logging

        from rasa.core.agent import load_agent
        from rasa.core.utils import AvailableEndpoints
        from rasa.utils.common import configure_logging_and_warnings
        from rasa.utils.log_utils import configure_structlog

        from tests.e2e.harness import current_model

        # Quieter than the servers' INFO: Rasa logs little per turn at INFO, and
        # its debug lines would be most of the run's output.
        configure_logging_and_warnings(logging.WARNING)
        configure_structlog(logging.WARNING)
        profile = Profile()
        tracker_db = os.environ["GOLDEN_HOUR_TRACKER_DB"]
        instrument_database(
            profile, lambda eng: "tracker" if tracker_db in str(eng.url) else "cases"
        )
        instrument_rasa(profile)
        instrument_tracker_store(profile)
        instrument_actions(profile)

        endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
        endpoints.action = in_process_actions(profile)
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        model = current_model()
        started = time.perf_counter()
        agent = loop.run_until_complete(load_agent(model_path=str(model), endpoints=endpoints))
        load_s = time.perf_counter() - started
        servers = InProcess(agent, loop, profile)

        # Warm-up (not timed): one conversation, so first-call costs are not counted.
        servers.timing = False
        play_all(servers, args.seed + 1000, 1, 1)
        servers.timing = True
        played = play_all(servers, args.seed, args.repeat, args.only)

        turns = list(profile.turns)
        rows = summarise(turns)
        firsts = [t for t in turns if "first message" in t]
        answers = [t for t in turns if "answer" in t]
        words = [t for t in turns if "answer word" in t]
        body_kb = [t.get("action/call body kB", 0.0) for t in turns]
        print()
        print(
            f"Golden Hour, in process: {len(turns)} typed turns "
            f"({len(firsts)} first messages, {len(answers)} answers), model {model.name}, "
            f"loaded in {load_s:.1f} s; safety replies: {servers.safety_replies}"
        )
        print(table(rows, "all turns (ms; stages nest: 'nlu' includes 'nlu/*')"))
        print()
        print(table(summarise(firsts), "first messages only (top 12)", 12))
        print()
        print(table(summarise(answers), "answers only (top 12)", 12))
        print()
        print(
            table(
                summarise(words),
                f"whole-message answer words ({len(words)} of {len(turns)} turns), whose "
                "intent AnswerWords sets whatever the readers said (top 8)",
                8,
            )
        )
        print(
            f"\naction call body: median {statistics.median(body_kb):.1f} kB, "
            f"max {max(body_kb):.1f} kB (the whole tracker goes to the action server)"
        )

        result: dict[str, Any] = {
            "model": model.name,
            "turns": len(turns),
            "played_turns": played,
            "safety_replies": servers.safety_replies,
            "model_load_s": load_s,
            "action_call_body_kB": {
                "median": statistics.median(body_kb),
                "max": max(body_kb),
            },
            "golden_hour": {
                "all": rows,
                "first_messages": summarise(firsts),
                "answers": summarise(answers),
                "answer_words": summarise(words),
            },
        }
        if args.plain:
            plain_turns = profile_plain(plain_model(args.plain), servers.sent, loop, profile)
            plain_rows = summarise(plain_turns)
            print()
            print(table(plain_rows, "plain `rasa init` bot, the same typed messages"))
            ratio = {
                stage: _mean(turns, stage) / (_mean(plain_turns, stage) or float("nan"))
                for stage in ("turn", "nlu", "policy", "tracker.retrieve", "tracker.save")
            }
            print(
                "Golden Hour / plain, mean per turn: "
                + ", ".join(f"{k} {v:.2f}x" for k, v in ratio.items())
            )
            result["plain"] = {"model": plain_model(args.plain).name, "all": plain_rows}
            result["golden_hour_over_plain"] = ratio
        loop.close()

    RESULTS_FILE.parent.mkdir(exist_ok=True)
    RESULTS_FILE.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: {RESULTS_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
