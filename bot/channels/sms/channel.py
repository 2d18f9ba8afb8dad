"""SMS through Twilio: ``POST /webhooks/sms/webhook`` (configured in credentials.yml
as ``bot.channels.sms.SmsInput``).

Each incoming text is checked (bot/channels/sms/webhook.py: Twilio's signature
against the public webhook URL, Twilio's documented fields, our account), then
answered at once with empty TwiML while the turn runs in the background; the
replies go out through Twilio's REST API (bot/channels/sms/outbound.py), in
order for each conversation.

- The conversation id Rasa sees is a keyed hash of the number (bot/channels/sms/sender.py);
  the number itself stays in memory only as long as the reply needs it.
- Replies are rendered for SMS (render.py): a numbered list for the choices,
  "1" mapped back to the latest question's payload, long text in numbered parts.
  A number is only read against the list the user was last sent (prompt.py):
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

This module is the webhook; a text's turn is in bot/channels/sms/turns.py, what
is kept in the store in bot/channels/sms/records.py.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.common import root_route
from bot.channels.common.pipeline import TURN_TIMEOUT_S, OnNewMessage
from bot.channels.sms.outbound import Sender, TwilioSender
from bot.channels.sms.records import OptOuts, Seen, replay_keys
from bot.channels.sms.sender import sender_id, sender_key
from bot.channels.sms.settings import SmsSettings, sms_settings
from bot.channels.sms.turns import SmsTurns
from bot.channels.sms.webhook import Refusal, read_webhook

log = logging.getLogger("golden_hour.channels.sms")

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
IDEMPOTENCY_HEADER = "I-Twilio-Idempotency-Token"
_REFUSED = {400: "Bad request", 403: "Forbidden", 413: "Request too large"}
__all__ = ["EMPTY_TWIML", "SmsInput", "SmsSettings"]


class SmsInput(SmsTurns, InputChannel):
    @classmethod
    def name(cls) -> str:
        return "sms"

    def __init__(
        self,
        turn_timeout_s: float = TURN_TIMEOUT_S,
        *,
        config: SmsSettings | None = None,
        sender: Sender | None = None,
        opt_outs: OptOuts | None = None,
        seen: Seen | None = None,
    ) -> None:
        # At server start: broken guidance stops the server here.
        self.start_pipeline(turn_timeout_s)
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
        self.start_lanes("sms turn failed")
        self._key: bytes | None = None
        if not self.config.configured:
            log.warning(
                "sms channel not configured: set GOLDEN_HOUR_TWILIO_ACCOUNT_SID and "
                "GOLDEN_HOUR_TWILIO_AUTH_TOKEN"
            )

    # --- the webhook -----------------------------------------------------------------

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
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
        on_new_message: OnNewMessage,
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
        self.schedule(
            sender,
            lambda: self.serve(checked, sender, on_new_message, agent, replay=keys),
            lambda exc: self.failed(checked, sender, exc),
        )
        return response.text(EMPTY_TWIML, content_type="text/xml")

    def _sender_key(self) -> bytes:
        if self._key is None:
            self._key = sender_key()
        return self._key
