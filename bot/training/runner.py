"""Plays role-play scenarios through the real assistant and checks its outcome.

    .venv/bin/python -m bot.training.runner run FILE|DIR [--json] [--url URL] [--token T]
        [--buttons-only] [--no-preview] [--offline]
    .venv/bin/python -m bot.training.runner check FILE|DIR
    .venv/bin/python -m bot.training.runner debrief FILE --sender ID [--url URL] [--token T]
        [--json]

``run`` talks to a running Rasa server: each turn goes to its REST channel (POST
{url}/webhooks/rest/webhook with {"sender", "message"}) and the open question is
read from the conversation's tracker over Rasa's HTTP API (GET
{url}/conversations/{sender}/tracker?token=T: start Rasa with --enable-api and
--auth-token). Every question is answered from the scenario's facts: the context
from its audience, each yes with its detail typed as the note, anything the facts
do not mention "no". Before a note is typed, Rasa's NLU is asked how it would read
it (POST {url}/model/parse, which changes no conversation): words it would take as
a command ("urgent", "start again", ...) are not typed; the button is pressed
instead and the misreading is reported (--no-preview types them anyway;
--buttons-only never types). Then the assistant's outcome is compared with the model outcome,
field by field. ``--offline`` plays the pure conversation (bot/conversation.py)
without Rasa or its NLU: quick while writing a scenario, never a substitute.

``debrief`` reads a learner's own conversation with the assistant (by its sender
id) and prints the debrief and score for that scenario.

Exit status: 0 every scenario matches; 1 a mismatch; 2 broken scenario files or
the server could not be used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bot import choices
from bot.config import read
from bot.i18n import _
from bot.knowledge import Knowledge
from bot.replies import DATA_KEY, KIND_KEY
from bot.training.debrief import Debrief, PlayedCase, debrief, debrief_text, played_from_tracker
from bot.training.scenarios import Scenario, ScenarioError, load_scenarios

DEFAULT_URL = "http://{host}:{port}".format(
    host=read("GOLDEN_HOUR_RASA_HOST"), port=read("GOLDEN_HOUR_RASA_PORT")
)
MAX_TURNS = 300
MAX_TRIES = 3  # times one question may be asked before the run is called stuck
# Intents under which a typed note is kept as the note (bot/conversation.py).
NOTE_INTENTS = frozenset({"inform", "out_of_scope", "nlu_fallback", "affirm", "unsure"})
ANSWER_PAYLOADS = {"yes": "/affirm", "no": "/deny", "not_sure": "/unsure", "skip": "/skip"}


class RunnerError(Exception):
    """The server could not be used, or the conversation went somewhere unplayable."""


class Transport(Protocol):
    def send(self, sender: str, message: str) -> list[dict[str, Any]]: ...

    def tracker(self, sender: str, *, events: bool) -> dict[str, Any]: ...

    def intent(self, text: str) -> str | None:
        """How the assistant would read these words, without saying them."""
        ...


@dataclass
class HttpTransport:
    """The real servers: Rasa's REST channel and its HTTP API."""

    url: str = DEFAULT_URL
    token: str | None = None
    timeout_s: float = 60
    # The REST channel's bearer token (GOLDEN_HOUR_REST_TOKEN), needed when the
    # server listens beyond loopback.
    rest_token: str | None = field(default_factory=lambda: read("GOLDEN_HOUR_REST_TOKEN"))

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"}
        if self.rest_token and path.startswith("/webhooks/rest/"):
            headers["Authorization"] = f"Bearer {self.rest_token}"
        request = urllib.request.Request(
            self.url.rstrip("/") + path, data=data, method=method, headers=headers
        )
        where = f"{method} {path.split('?')[0]}"
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                raw = response.read()
        except urllib.error.HTTPError as err:
            hint = " (check --token)" if err.code in (401, 403) else ""
            raise RunnerError(f"{where}: HTTP {err.code}{hint}") from None
        except (urllib.error.URLError, OSError) as err:
            raise RunnerError(f"cannot reach the assistant at {self.url}: {err}") from None
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            raise RunnerError(f"{where}: the answer is not JSON") from None

    def send(self, sender: str, message: str) -> list[dict[str, Any]]:
        answer = self._call(
            "POST", "/webhooks/rest/webhook", {"sender": sender, "message": message}
        )
        return answer if isinstance(answer, list) else []

    def tracker(self, sender: str, *, events: bool) -> dict[str, Any]:
        query = urllib.parse.urlencode(
            {"token": self.token or "", "include_events": "ALL" if events else "NONE"}
        )
        path = f"/conversations/{urllib.parse.quote(sender, safe='')}/tracker?{query}"
        answer = self._call("GET", path)
        if not isinstance(answer, dict):
            raise RunnerError("the tracker is not a JSON object")
        return answer

    def intent(self, text: str) -> str | None:
        # Rasa's NLU parse with the same model as a turn, with no effect on any
        # conversation.
        query = urllib.parse.urlencode({"token": self.token or ""})
        answer = self._call("POST", f"/model/parse?{query}", {"text": text})
        intent = (answer or {}).get("intent") if isinstance(answer, dict) else None
        return intent.get("name") if isinstance(intent, dict) else None


class OfflineTransport:
    """The pure conversation without Rasa: a payload is read as its button and typed
    words as an answer in words, the way the actions would see them. No NLU."""

    _AGE = re.compile(r"\b(1[0-7]|[1-9]) years old\b")

    def __init__(self, kb: Knowledge, language: str = "en_GB") -> None:
        self.kb = kb
        self.language = language
        self._cases: dict[str, Any] = {}
        self._events: dict[str, list[dict[str, Any]]] = {}

    def send(self, sender: str, message: str) -> list[dict[str, Any]]:
        from bot.conversation import Event, handle, opening
        from bot.i18n import use

        now = dt.datetime.now(dt.timezone.utc)
        case = self._cases.get(sender)
        choice = None
        if message.startswith('/inform{"choice": "'):
            choice = message.removeprefix('/inform{"choice": "').removesuffix('"}')
        intent = message[1:] if message.startswith("/") and choice is None else "inform"
        age = self._AGE.search(message)
        event = Event(intent, message, choice, int(age.group(1)) if age else None)
        if case is None or intent == "greet":
            with use(self.language):
                turn = opening(now, self.language)
        else:
            with use(case.language):
                turn = handle(self.kb, case, event, now)
        self._cases[sender] = turn.case
        events = self._events.setdefault(sender, [])
        events.append({"event": "user", "parse_data": {"intent": {"name": intent}}})
        messages = [
            {"text": r.text, "buttons": [c.__dict__ for c in r.choices]} for r in turn.replies
        ]
        # Bot events in the shape Rasa stores them: buttons under data, the reply's
        # kind in the metadata (bot/replies.py).
        events += [
            {
                "event": "bot",
                "text": m["text"],
                "data": {"buttons": m["buttons"]},
                "metadata": {KIND_KEY: r.kind, **({DATA_KEY: r.data} if r.data else {})},
            }
            for m, r in zip(messages, turn.replies, strict=True)
        ]
        return messages

    def tracker(self, sender: str, *, events: bool) -> dict[str, Any]:
        case = self._cases.get(sender)
        history = self._events.get(sender, [])
        users = [e for e in history if e["event"] == "user"]
        return {
            "slots": {"case": case.to_dict() if case else None},
            "latest_message": users[-1]["parse_data"] if users else {},
            "events": list(history) if events else [],
        }

    def intent(self, text: str) -> str | None:
        return "inform"  # no NLU: words are words


# --- answering from the facts ---------------------------------------------------------


def payload(group: str, value: str) -> str:
    option = choices.by_value(group, value)
    if option is None:
        raise RunnerError(f"no '{group}' choice '{value}'")
    value = choices.button_value(group, option)
    return f'/inform{{"choice": "{value}"}}'


def message_for(
    scenario: Scenario,
    pending: str,
    *,
    typed: bool,
    answered: Collection[str] = (),
    listed: Sequence[str] = (),
) -> str:
    """What the professional in the scenario says to the open question. ``typed``:
    answer in words where words carry more (the note, the child's age, several
    signs from a list); ``answered``: the question ids the case holds answers for;
    ``listed``: the signs "which of these is it?" lists, in its order."""
    audience = scenario.audience
    if pending in ("role", "nation", "setting"):
        value = getattr(audience, pending)
        if pending == "role" and scenario.child_age and typed:
            label = choices.by_value("role", value)
            assert label is not None  # checked by the loader
            return f"{label.label}. The child is {scenario.child_age} years old."
        return payload(pending, value)
    if pending == "age":  # a number is typed: no button gives an age
        return str(scenario.child_age) if scenario.child_age else payload("age", "unknown")
    if pending.startswith("evidence:"):
        fact = scenario.facts.get(pending.removeprefix("evidence:"))
        how = (fact.how if fact else None) or "observed"
        if typed and fact is not None and fact.detail:
            label = choices.by_value("evidence", how)
            assert label is not None
            return f"{label.label}: {fact.detail}"
        return payload("evidence", how)
    sharing = scenario.sharing_or_default()
    if pending == "check":
        return "/affirm"
    if pending == "share_with":
        return payload("share_with", sharing.share_with)
    if pending in ("child_told", "carer_told"):
        return "/affirm" if getattr(sharing, pending) else "/deny"
    if pending == "why_not":
        return payload("why_not", sharing.why_not or "raise_risk")
    if pending == "change":
        raise RunnerError("the assistant asked which answer to change")
    if pending == "offer":
        return "/deny"  # carry on: the scenario is played to its settled outcome
    if pending == "more":
        category = scenario.untold_category(answered)
        return f'/inform{{"choice": "more.{category}"}}' if category else "/deny"
    if pending.startswith("pick:"):
        return _pick(scenario, pending.removeprefix("pick:"), answered, listed, typed)
    return ANSWER_PAYLOADS[scenario.answer_for(pending, answered)]


def _pick(
    scenario: Scenario, category: str, answered: Collection[str], listed: Sequence[str], typed: bool
) -> str:
    """At a list of signs ("which of these is it?", "do any of these also
    apply?"): the numbers of every listed sign the facts hold, typed as the question
    invites; one sign (or no typing) is its button; none, "none of these". Without
    the list (``listed`` empty), the first sign of the category the facts hold."""
    facts = scenario.facts
    held = [sign for sign in listed if sign in facts and facts[sign].is_concern]
    if typed and len(held) > 1:
        return " and ".join(str(listed.index(sign) + 1) for sign in held)
    sign = held[0] if held else None if listed else scenario.sign_to_pick(category, answered)
    return f'/inform{{"choice": "pick.{sign}"}}' if sign else "/deny"


def listed_signs(replies: list[dict[str, Any]]) -> list[str]:
    """The signs a "which of these is it?" reply lists, from its buttons, in order."""
    return [
        found.group(1)
        for m in replies
        for b in m.get("buttons") or []
        if (found := _PICK_PAYLOAD.search(str(b.get("payload", ""))))
    ]


_PICK_PAYLOAD = re.compile(r'"choice":\s*"pick\.([a-z_]+)"')


# --- playing one scenario ---------------------------------------------------------------


@dataclass
class Run:
    scenario: Scenario
    sender: str
    played: PlayedCase | None = None
    result: Debrief | None = None
    notes: list[str] = field(default_factory=list)  # typed words the assistant did not take
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.result is not None and self.result.matches

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "scenario": self.scenario.id,
            "file": str(self.scenario.path),
            "sender": self.sender,
            "matches": self.ok,
            "error": self.error,
            "notes": self.notes,
        }
        if self.played is not None:
            p = self.played
            out["played"] = {
                "turns": p.turns,
                "advice_turn": p.advice_turn,
                "actions_given": list(p.actions_given),
                "going_missing": p.going_missing,
                "concern": p.concern,
                "levels_from": p.levels_from,
                "signposts": list(p.signposts),
                "next_steps": list(p.next_steps),
                "finished": p.finished,
            }
        if self.result is not None:
            out.update(self.result.as_dict())
            out["matches"] = self.ok
        return out


def _safety(messages: list[dict[str, Any]]) -> bool:
    return any((m.get("custom") or {}).get("kind") == "safety" for m in messages)


def play(
    scenario: Scenario,
    transport: Transport,
    kb: Knowledge,
    *,
    buttons_only: bool = False,
    preview: bool = True,
    sender: str | None = None,
) -> Run:
    """Play one scenario to the draft summary and compare the outcome. With
    ``preview``, typed words the assistant would not take as meant (a note read as
    "urgent" or "start again") are replaced by the button, and noted."""
    run = Run(scenario, sender or f"scenario-{scenario.id}-{uuid.uuid4().hex[:8]}")
    try:
        _play(run, transport, buttons_only=buttons_only, preview=preview)
        tracker = transport.tracker(run.sender, events=True)
    except RunnerError as err:
        run.error = str(err)
        return run
    run.played = played_from_tracker(tracker, kb)
    urgent = (tracker.get("slots", {}).get("case") or {}).get("answers", {}).get("urgent", {})
    if urgent.get("value") != scenario.answer_for("urgent"):
        run.notes.append(
            f"the opening question ended as '{urgent.get('value')}', not "
            f"'{scenario.answer_for('urgent')}' (a typed note read as 'urgent'?)"
        )
    run.result = debrief(scenario, run.played)
    return run


def _play(run: Run, transport: Transport, *, buttons_only: bool, preview: bool) -> None:
    scenario = run.scenario
    tries: dict[str, int] = {}
    replies = transport.send(run.sender, "/greet")
    for turn in range(2, MAX_TURNS + 1):
        if _safety(replies):
            raise RunnerError(f"the assistant answered turn {turn - 1} with the safety message")
        state = transport.tracker(run.sender, events=False)
        case = (state.get("slots") or {}).get("case") or {}
        pending = case.get("pending")
        if pending == "done":
            return
        if not isinstance(pending, str) or pending == "ended":
            raise RunnerError(f"the conversation stopped at turn {turn - 1} (open: {pending})")
        # "Anything else?" comes back after each category chosen: a question is
        # stuck when it is asked again with nothing answered in between.
        key = f"{pending}@{len(case.get('answers') or {})}"
        tries[key] = tries.get(key, 0) + 1
        if tries[key] > MAX_TRIES:
            raise RunnerError(f"stuck: '{pending}' asked {MAX_TRIES} times")
        typed = not buttons_only and tries[key] == 1
        answered = tuple((case.get("answers") or {}).keys())
        listed = listed_signs(replies)
        message = message_for(scenario, pending, typed=typed, answered=answered, listed=listed)
        if preview and not message.startswith("/"):
            intent = transport.intent(message)
            if intent not in NOTE_INTENTS:
                run.notes.append(
                    f"{pending}: the typed words would be read as '{intent}', so the "
                    f"button was pressed instead: {message!r}"
                )
                message = message_for(
                    scenario, pending, typed=False, answered=answered, listed=listed
                )
        replies = transport.send(run.sender, message)
        if not message.startswith("/"):
            _check_typed(run, transport, pending)
    raise RunnerError(f"no draft summary after {MAX_TURNS} turns")


def _check_typed(run: Run, transport: Transport, pending: str) -> None:
    """Note how the assistant read typed words it did not take as meant."""
    state = transport.tracker(run.sender, events=False)
    intent = ((state.get("latest_message") or {}).get("intent") or {}).get("name")
    case = (state.get("slots") or {}).get("case") or {}
    if intent not in NOTE_INTENTS:
        run.notes.append(f"{pending}: typed words read as '{intent}'")
    if pending == "role" and run.scenario.child_age and case.get("age") != run.scenario.child_age:
        run.notes.append(f"role: the child's age was read as {case.get('age')}")


# --- output -----------------------------------------------------------------------------


def _value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]" if value else _("none")
    return _("none") if value is None else str(value)


def _scenario_lines(run: Run) -> list[str]:
    if run.error is not None:
        return [_("{id}: could not be played: {error}").format(id=run.scenario.id, error=run.error)]
    assert run.played is not None and run.result is not None
    facts = {
        "id": run.scenario.id,
        "turns": run.played.turns,
        "advice": _value(run.played.advice_turn),
        "score": run.result.score.total,
    }
    if run.ok:
        headline = _(
            "{id}: matches the model outcome ({turns} turns, advice at turn {advice}, "
            "score {score}/100)"
        )
    else:
        headline = _(
            "{id}: does NOT match the model outcome ({turns} turns, advice at turn {advice}, "
            "score {score}/100)"
        )
    lines = [headline.format(**facts)]
    for check in run.result.mismatches():
        lines.append(
            "  "
            + _("{field}: expected {expected}, got {got}").format(
                field=check.field, expected=_value(check.expected), got=_value(check.got)
            )
        )
    for check in run.result.known():
        lines.append(
            "  "
            + _("known difference, {field}: expected {expected}, got {got} ({note})").format(
                field=check.field,
                expected=_value(check.expected),
                got=_value(check.got),
                note=check.known,
            )
        )
    return lines


def report_text(runs: list[Run]) -> str:
    lines = []
    for run in runs:
        lines += _scenario_lines(run)
        lines += ["  " + _("note: {note}").format(note=note) for note in run.notes]
    lines.append(
        _("{good} of {total} scenarios match their model outcome.").format(
            good=sum(run.ok for run in runs), total=len(runs)
        )
    )
    return "\n".join(lines)


def _load(path: str, kb: Knowledge) -> list[Scenario] | None:
    try:
        library = load_scenarios(Path(path), kb=kb)
    except ScenarioError as err:
        print(err, file=sys.stderr)
        return None
    for warning in library.warnings:
        print(_("warning: {warning}").format(warning=warning), file=sys.stderr)
    return list(library.scenarios)


def main(argv: list[str] | None = None, prog: str = "python -m bot.training.runner") -> int:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Play role-play scenarios through the assistant and check the outcome.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("run", "check", "debrief"):
        sub = commands.add_parser(name)
        sub.add_argument("path", help="a scenario file, or a directory of them")
        if name == "check":
            continue
        sub.add_argument("--json", action="store_true", help="machine-readable output")
        sub.add_argument("--url", default=DEFAULT_URL, help=f"the Rasa server ({DEFAULT_URL})")
        sub.add_argument(
            "--token",
            default=read("RASA_AUTH_TOKEN"),
            help="Rasa's API token (default: RASA_AUTH_TOKEN)",
        )
        if name == "run":
            sub.add_argument("--buttons-only", action="store_true", help="never type a note")
            sub.add_argument(
                "--no-preview",
                action="store_true",
                help="type every note even when the assistant would misread it",
            )
            sub.add_argument("--offline", action="store_true", help="no Rasa, no NLU")
        else:
            sub.add_argument("--sender", required=True, help="the learner's conversation id")
    args = parser.parse_args(argv)

    from bot.runtime import knowledge

    kb = knowledge()
    scenarios = _load(args.path, kb)
    if scenarios is None:
        return 2
    if args.command == "check":
        print(_("{n} scenarios are valid.").format(n=len(scenarios)))
        return 0
    transport: Transport = (
        OfflineTransport(kb)
        if getattr(args, "offline", False)
        else HttpTransport(args.url, args.token)
    )
    if args.command == "debrief":
        return _debrief(args, scenarios, transport, kb)
    runs = [
        play(s, transport, kb, buttons_only=args.buttons_only, preview=not args.no_preview)
        for s in scenarios
    ]
    if args.json:
        print(json.dumps([run.as_dict() for run in runs], indent=2, ensure_ascii=False))
    else:
        print(report_text(runs))
    if any(run.error is not None for run in runs):
        return 2
    return 0 if all(run.ok for run in runs) else 1


def _debrief(
    args: argparse.Namespace, scenarios: list[Scenario], transport: Transport, kb: Knowledge
) -> int:
    if len(scenarios) != 1:
        print(_("Give one scenario file to debrief."), file=sys.stderr)
        return 2
    scenario = scenarios[0]
    try:
        tracker = transport.tracker(args.sender, events=True)
    except RunnerError as err:
        print(err, file=sys.stderr)
        return 2
    played = played_from_tracker(tracker, kb)
    result = debrief(scenario, played)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(debrief_text(scenario, result, played, kb))
    return 0


if __name__ == "__main__":
    sys.exit(main())
