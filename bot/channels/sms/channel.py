"""SMS through Twilio: ``POST /webhooks/sms/webhook`` (configured in credentials.yml
as ``bot.channels.sms.SmsInput``).

Each incoming text is checked (bot/channels/sms/webhook.py: Twilio's signature
against the public webhook URL, Twilio's documented fields, our account), then
answered at once with empty TwiML while the turn runs in the background; the
replies go out through Twilio's REST API (bot/channels/sms/outbound.py), in
order for each conversation.

- The conversation id Rasa sees is a keyed hash of the number (sms_sender.py);
  the number itself stays in memory only as long as the reply needs it.
- Replies are rendered for SMS (sms_render.py): a numbered list for the choices,
  "1" mapped back to the latest question's payload, long text in numbered parts.
  A number is only read against the list the user was last sent (sms_prompt.py):
  if the open question has changed since (a turn that finished after the safety
  message, a lost reply), nothing is recorded and the open question is sent.
- A post is processed once: its MessageSid and Twilio's I-Twilio-Idempotency-Token
  are recorded in the store (all Rasa servers share it), and a replayed or
  retried post is answered 200 with nothing sent and nothing recorded.
- Carrier keywords (whole message, any case): STOP, STOPALL, UNSUBSCRIBE,
  CANCEL, END, QUIT, REVOKE, OPTOUT end the conversation (Rasa's /stop), send one
  confirmation (none when Twilio's Advanced Opt-Out already sent its own, which
  it says with OptOutType) and remember the opt-out (keyed hash, in the store):
  nothing else is answered until START or UNSTOP, which opt back in and open a
  new conversation. HELP and INFO get the SMS help (what this is, the emergency
  contacts, the keywords) and then the conversation's own help, so "help" means
  the same in any case. YES is an answer here, never an opt-in keyword.
- The safety net: whatever fails, the user gets the safety message by SMS.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import logs
from bot.advice import safety_message
from bot.channels.common import inbound as checks
from bot.channels.common import root_route, safety_net
from bot.channels.common.collect import KindCollector, kind_of
from bot.channels.common.lanes import Lanes
from bot.channels.common.state import ConversationState, state_from_tracker
from bot.channels.sms.outbound import DEFAULT_API_BASE, TwilioSender
from bot.channels.sms.prompt import Prompt, current_prompt, is_stale, sent_prompt
from bot.channels.sms.render import (
    DEFAULT_MAX_SEGMENTS,
    choice_payload,
    number_reply,
    render_turn,
    segments,
    split,
)
from bot.channels.sms.sender import PREFIX, sender_id, sender_key
from bot.channels.sms.texts import (
    help_text,
    long_draft_note,
    question_moved_on_text,
    rejection_text,
    restarted_text,
    stopped_text,
)
from bot.channels.sms.webhook import Inbound, Refusal, keyword, read_webhook
from bot.config import settings
from bot.i18n import use
from bot.logs import pseudonym
from bot.runtime import knowledge

log = logging.getLogger("golden_hour.channels.sms")

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
IDEMPOTENCY_HEADER = "I-Twilio-Idempotency-Token"
# Replay keys kept in this process when the store cannot be written.
_MEMORY_LIMIT = 10_000
_REFUSED = {400: "Bad request", 403: "Forbidden", 413: "Request too large"}


@dataclass(frozen=True)
class SmsSettings:
    account_sid: str = ""
    auth_token: str = ""
    # The URL Twilio posts to, as Twilio sees it (behind a proxy it differs from
    # the request's own URL, and the signature is over Twilio's view).
    webhook_url: str | None = None
    api_base: str = DEFAULT_API_BASE
    messaging_service_sid: str | None = None
    max_segments: int = DEFAULT_MAX_SEGMENTS
    extra_fields: frozenset[str] = frozenset()

    @property
    def configured(self) -> bool:
        return bool(self.account_sid and self.auth_token)


def sms_settings() -> SmsSettings:
    env = os.environ
    extra = env.get("GOLDEN_HOUR_SMS_EXTRA_FIELDS", "")
    return SmsSettings(
        account_sid=env.get("GOLDEN_HOUR_TWILIO_ACCOUNT_SID", "").strip(),
        auth_token=env.get("GOLDEN_HOUR_TWILIO_AUTH_TOKEN", "").strip(),
        webhook_url=env.get("GOLDEN_HOUR_SMS_WEBHOOK_URL", "").strip() or None,
        api_base=env.get("GOLDEN_HOUR_TWILIO_API_BASE", "").strip() or DEFAULT_API_BASE,
        messaging_service_sid=env.get("GOLDEN_HOUR_TWILIO_MESSAGING_SERVICE_SID", "").strip()
        or None,
        # At most 10: 11 GSM segments would pass Twilio's 1,600-character limit.
        max_segments=min(
            DEFAULT_MAX_SEGMENTS,
            max(1, int(env.get("GOLDEN_HOUR_SMS_MAX_SEGMENTS") or DEFAULT_MAX_SEGMENTS)),
        ),
        extra_fields=frozenset(f.strip() for f in extra.split(",") if f.strip()),
    )


class Sender(Protocol):
    async def send(self, to: str, reply_from: str, body: str, *, conversation: str) -> bool: ...

    async def close(self) -> None: ...


class OptOutRecords(Protocol):
    def is_opted_out(self, sender_hash: str) -> bool: ...

    def opt_out(self, sender_hash: str, now: dt.datetime) -> None: ...

    def opt_in(self, sender_hash: str) -> None: ...


def _store_opt_outs() -> OptOutRecords:
    from bot.store.db import engine
    from bot.store.opt_outs import OptOutStore

    return OptOutStore(engine())


class OptOuts:
    """The opt-out records, off the event loop. If the store cannot be written, the
    opt-out is still kept in this process; if it cannot be read, the message is
    answered (Twilio's own STOP block still holds at Twilio's end)."""

    def __init__(self, records: Callable[[], OptOutRecords] = _store_opt_outs) -> None:
        self._records = records
        self._unsaved: set[str] = set()

    async def _run(self, name: str, *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, lambda: getattr(self._records(), name)(*args))

    async def is_opted_out(self, sender_hash: str) -> bool:
        if sender_hash in self._unsaved:
            return True
        try:
            return bool(await self._run("is_opted_out", sender_hash))
        except Exception as exc:
            log.error("sms opt-outs not read", extra={"error": type(exc).__name__})
            return False

    async def opt_out(self, sender_hash: str) -> None:
        try:
            await self._run("opt_out", sender_hash, dt.datetime.now(dt.timezone.utc))
        except Exception as exc:
            self._unsaved.add(sender_hash)
            log.error("sms opt-out not saved", extra={"error": type(exc).__name__})

    async def opt_in(self, sender_hash: str) -> None:
        self._unsaved.discard(sender_hash)
        try:
            await self._run("opt_in", sender_hash)
        except Exception as exc:
            log.error("sms opt-in not saved", extra={"error": type(exc).__name__})


class SeenRecords(Protocol):
    def first_time(self, keys: Sequence[str], now: dt.datetime) -> bool: ...

    def shown(self, sender_hash: str) -> str | None: ...

    def show(self, sender_hash: str, choices: str, now: dt.datetime) -> None: ...


def _store_seen() -> SeenRecords:
    from bot.store.db import engine
    from bot.store.opt_outs import SmsSeenStore

    return SmsSeenStore(engine())


def replay_keys(message: Inbound, idempotency_token: str | None) -> tuple[str, ...]:
    """The stored forms of the ids that make a post the same post."""
    from bot.store.opt_outs import seen_key

    keys = []
    if message.message_sid:
        keys.append(seen_key("MessageSid", message.message_sid))
    if idempotency_token and idempotency_token.strip():
        keys.append(seen_key("I-Twilio-Idempotency-Token", idempotency_token.strip()[:256]))
    return tuple(keys)


class Seen:
    """Seen posts and shown questions, off the event loop. If the store cannot be
    written, a post is still processed (the user is answered) and remembered in
    this process; if the shown question cannot be read, a number is read as it
    was before this was kept (against the open question)."""

    def __init__(self, records: Callable[[], SeenRecords] = _store_seen) -> None:
        self._records = records
        self._memory: dict[str, None] = {}  # insertion-ordered, oldest first

    async def _run(self, name: str, *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, lambda: getattr(self._records(), name)(*args))

    async def first_time(self, keys: Sequence[str]) -> bool:
        if any(k in self._memory for k in keys):
            return False
        now = dt.datetime.now(dt.timezone.utc)
        try:
            return bool(await self._run("first_time", keys, now))
        except Exception as exc:
            log.error("sms replay check not saved", extra={"error": type(exc).__name__})
            for key in keys:
                self._memory[key] = None
            while len(self._memory) > _MEMORY_LIMIT:
                del self._memory[next(iter(self._memory))]
            return True

    async def shown(self, sender_hash: str) -> str | None:
        try:
            return await self._run("shown", sender_hash)
        except Exception as exc:
            log.error("sms shown question not read", extra={"error": type(exc).__name__})
            return None

    async def show(self, sender_hash: str, prompt: Prompt) -> None:
        try:
            await self._run("show", sender_hash, prompt.digest, dt.datetime.now(dt.timezone.utc))
        except Exception as exc:
            log.error("sms shown question not saved", extra={"error": type(exc).__name__})


Handler = Callable[[UserMessage], Awaitable[Any]]


class SmsInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "sms"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(turn_timeout_s=float(credentials.get("turn_timeout_s", 20)))

    def __init__(
        self,
        turn_timeout_s: float = 20,
        *,
        config: SmsSettings | None = None,
        sender: Sender | None = None,
        opt_outs: OptOuts | None = None,
        seen: Seen | None = None,
    ) -> None:
        logs.configure(settings().log_level)
        self.turn_timeout_s = float(os.environ.get("GOLDEN_HOUR_TURN_TIMEOUT", turn_timeout_s))
        # Built now, at server start: broken guidance stops the server here.
        self.safety_text = safety_net.install()
        self.config = config or sms_settings()
        self.sender: Sender | None = sender
        if self.sender is None and self.config.configured:
            self.sender = TwilioSender(
                self.config.account_sid,
                self.config.auth_token,
                api_base=self.config.api_base,
                messaging_service_sid=self.config.messaging_service_sid,
            )
        self.opt_outs = opt_outs or OptOuts()
        self.seen = seen or Seen()
        self.lanes = Lanes(log, "sms turn failed")
        self._key: bytes | None = None
        if not self.config.configured:
            log.warning(
                "sms channel not configured: set GOLDEN_HOUR_TWILIO_ACCOUNT_SID and "
                "GOLDEN_HOUR_TWILIO_AUTH_TOKEN"
            )

    # --- the webhook -----------------------------------------------------------------

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        bp = Blueprint("golden_hour_sms", __name__)
        root_route.on_start(bp)  # "/" without the version, and the probes

        @bp.route("/", methods=["GET"])
        async def alive(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "configured": self.config.configured})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            return self.receive(
                request.body or b"",
                self.config.webhook_url or request.url,
                request.headers.get("X-Twilio-Signature"),
                on_new_message,
                agent,
                idempotency_token=request.headers.get(IDEMPOTENCY_HEADER),
            )

        @bp.listener("before_server_stop")
        async def finish(_app: Any, _loop: Any) -> None:
            log.info("sms channel stopping", extra={"turns_in_flight": len(self.lanes)})
            await self.drain(self.turn_timeout_s + 5)
            if self.sender is not None:
                await self.sender.close()

        return bp

    def receive(
        self,
        body: bytes,
        url: str,
        signature: str | None,
        on_new_message: Handler,
        agent: Any,
        *,
        idempotency_token: str | None = None,
    ) -> HTTPResponse:
        """Check the post and queue its turn; answer Twilio at once. Synchronous, so
        posts are queued in the order they arrive. A post seen before is answered
        the same (200) and its turn does nothing (``serve``)."""
        if not self.config.configured or self.sender is None:
            return response.text("SMS channel not configured", status=503)
        checked = read_webhook(
            body,
            url,
            signature,
            auth_token=self.config.auth_token,
            account_sid=self.config.account_sid,
            extra_fields=self.config.extra_fields,
        )
        if isinstance(checked, Refusal):
            log.warning(
                "sms webhook refused",
                extra={"reason": checked.reason, "status": checked.status, "field": checked.field},
            )
            return response.text(_REFUSED.get(checked.status, "Refused"), status=checked.status)
        try:
            key = self._sender_key()
        except Exception as exc:  # no key: never fall back to the number itself
            log.error("sms sender key missing", extra={"error": type(exc).__name__})
            return response.text("SMS channel not configured", status=503)
        sender = sender_id(checked.number, key)
        keys = replay_keys(checked, idempotency_token)
        self.lanes.spawn(
            sender, lambda: self.serve(checked, sender, on_new_message, agent, replay=keys)
        )
        return response.text(EMPTY_TWIML, content_type="text/xml")

    def _sender_key(self) -> bytes:
        if self._key is None:
            self._key = sender_key()
        return self._key

    async def drain(self, timeout_s: float) -> None:
        """Wait for the queued turns (at shutdown, and in tests); one conversation's
        turns run one at a time, in order (bot/channels/common/lanes.py)."""
        await self.lanes.drain(timeout_s)

    # --- a turn ------------------------------------------------------------------------

    async def serve(
        self,
        message: Inbound,
        sender: str,
        on_new_message: Handler,
        agent: Any,
        *,
        replay: Sequence[str] = (),
    ) -> None:
        """Answer one incoming text, once: a post whose ``replay`` keys were seen
        before (on any server) is neither processed nor answered again. Never
        raises: a failure is answered with the safety message, unless the number
        has opted out."""
        if not await self.seen.first_time(replay):
            log.info("sms replay not processed", extra={"conversation": pseudonym(sender)})
            return
        try:
            await self._serve(message, sender, on_new_message, agent)
        except Exception as exc:
            log.error(
                "sms turn failed",
                extra={"conversation": pseudonym(sender), "error": type(exc).__name__},
            )
            if not await self.opt_outs.is_opted_out(sender.removeprefix(PREFIX)):
                await self._send(message, sender, [self.safety_text])

    async def _serve(
        self, message: Inbound, sender: str, on_new_message: Handler, agent: Any
    ) -> None:
        digest = sender.removeprefix(PREFIX)
        said = keyword(message.body, message.opt_out_type)
        if await self.opt_outs.is_opted_out(digest):
            if said != "start":
                log.info("sms not answered: opted out", extra={"conversation": pseudonym(sender)})
                return
            await self.opt_outs.opt_in(digest)
            log.info("sms opt-in", extra={"conversation": pseudonym(sender)})
            result = await self._turn(on_new_message, "/greet", sender, agent)
            state = await self._state(agent, sender)
            with use(state.language):
                await self._send_turn(message, sender, result, state, first=restarted_text())
            return
        if said == "stop":
            await self.opt_outs.opt_out(digest)
            log.info("sms opt-out", extra={"conversation": pseudonym(sender)})
            result = await self._turn(on_new_message, "/stop", sender, agent)
            if message.opt_out_type == "STOP":
                return  # Twilio's Advanced Opt-Out has confirmed it already
            state = await self._state(agent, sender)
            with use(state.language):
                await self._send_turn(message, sender, result, state, last=stopped_text())
            return
        if said == "help":
            result = await self._turn(on_new_message, "/help", sender, agent)
            state = await self._state(agent, sender)
            with use(state.language):
                first = help_text(knowledge())
                await self._send_turn(message, sender, result, state, first=first)
            return
        await self._conversation_turn(message, sender, on_new_message, agent)

    async def _conversation_turn(
        self, message: Inbound, sender: str, on_new_message: Handler, agent: Any
    ) -> None:
        cfg = settings()
        tracker = await self._tracker(agent, sender)
        before = state_from_tracker(tracker)
        rejected = checks.check_message(
            sender, message.body, max_chars=cfg.max_message_chars, max_sender=cfg.max_sender_chars
        )
        if rejected is not None:
            log.info("message refused", extra={"channel": "sms", "reason": rejected.reason})
            with use(before.language):
                text = rejection_text(rejected.reason, cfg.max_message_chars, message.num_media > 0)
                safety = self._safety(before.language)
            await self._send(
                message, sender, split(f"{text}\n\n{safety}", self.config.max_segments)
            )
            return
        cleaned = checks.clean_text(message.body)
        now_open = current_prompt(tracker)
        number = number_reply(cleaned)
        if number is not None:
            shown = await self.seen.shown(sender.removeprefix(PREFIX))
            if is_stale(number, shown, now_open):
                await self._show_again(message, sender, now_open, before)
                return
        intents = agent.domain.intents if agent is not None and agent.domain else ()
        text = choice_payload(cleaned, now_open.choices) or cleaned
        result = await self._turn(
            on_new_message, checks.neutralise_payload(text, intents), sender, agent, before
        )
        after = await self._state(agent, sender)
        with use(after.language):
            await self._send_turn(message, sender, result, after)

    async def _show_again(
        self, message: Inbound, sender: str, now_open: Prompt, state: ConversationState
    ) -> None:
        """A number for a list the user was not sent: record nothing, say so, and
        send the question that is open now (as Rasa's tracker has it)."""
        log.info("sms number for an older question", extra={"conversation": pseudonym(sender)})
        with use(state.language):
            # A question's words are kept in Rasa's tracker; a draft's or a check's are
            # not, and "[not kept]" must never be sent: then the choices alone.
            shown = dict(now_open.message or {}, text=now_open.wording)
            question = render_turn([shown]) if now_open.message else ""
            body = "\n\n".join(t for t in (question_moved_on_text(), question) if t)
            sent = await self._send(message, sender, split(body, self.config.max_segments))
        if sent:
            await self.seen.show(sender.removeprefix(PREFIX), now_open)

    async def _turn(
        self,
        on_new_message: Handler,
        text: str,
        sender: str,
        agent: Any,
        state: ConversationState | None = None,
    ) -> safety_net.TurnResult:
        state = state or await self._state(agent, sender)
        return await safety_net.run_turn(
            on_new_message,
            text,
            sender,
            self.name(),
            safety_text=self._safety(state.language),
            timeout_s=self.turn_timeout_s,
            collector=KindCollector(),
        )

    async def _send_turn(
        self,
        message: Inbound,
        sender: str,
        result: safety_net.TurnResult,
        state: ConversationState,
        first: str = "",
        last: str = "",
    ) -> None:
        """Send a turn's texts and, if Rasa answered and they went, remember the
        question they put on screen (the safety message changes nothing there)."""
        sent = await self._send(message, sender, self._compose(result, state, first, last))
        if sent and result.outcome == "ok" and result.messages:
            await self.seen.show(sender.removeprefix(PREFIX), sent_prompt(result.messages))

    def _compose(
        self,
        result: safety_net.TurnResult,
        state: ConversationState,
        first: str = "",
        last: str = "",
    ) -> list[str]:
        """The texts to send for a turn, in the current language."""
        body = render_turn(result.messages) or self._safety(state.language)
        body = "\n\n".join(t for t in (first, body, last) if t)
        parts = split(body, self.config.max_segments)
        if len(parts) > 1 and any(kind_of(m) == "summary" for m in result.messages):
            parts = split(f"{body}\n\n{long_draft_note(state.case_ref)}", self.config.max_segments)
        return parts

    def _safety(self, language: str) -> str:
        try:
            with use(language):
                return safety_message(knowledge())
        except Exception:
            return self.safety_text

    async def _tracker(self, agent: Any, sender: str) -> Any:
        """Rasa's tracker for the conversation, or None (new, or the store is down:
        the turn's own safety net answers then)."""
        store = getattr(agent, "tracker_store", None) if agent else None
        if store is None:
            return None
        try:
            return await store.retrieve(sender)
        except Exception as exc:
            log.error("sms state not read", extra={"error": type(exc).__name__})
            return None

    async def _state(self, agent: Any, sender: str) -> ConversationState:
        return state_from_tracker(await self._tracker(agent, sender))

    async def _send(self, message: Inbound, sender: str, parts: Sequence[str]) -> int:
        """Send the parts one after another, so they leave in order; how many went."""
        if self.sender is None:
            return 0
        conversation = pseudonym(sender)
        sent = 0
        for part in parts:
            if await self.sender.send(message.number, message.to, part, conversation=conversation):
                sent += 1
        log.info(
            "sms sent",
            extra={
                "conversation": conversation,
                "parts": len(parts),
                "sent": sent,
                "chars": sum(len(p) for p in parts),
                "segments": sum(segments(p) for p in parts),
            },
        )
        return sent
