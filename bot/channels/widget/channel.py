"""The web widget's channel: Rasa's socket.io channel, hardened, plus the widget's
files, served by the same Rasa process.

- ``GET /webhooks/widget/`` is the full-page widget; ``/webhooks/widget/widget.js``
  embeds it in any page with one ``<script>`` tag (the page's origin must be on the
  allow-list).
- Socket.io at ``/webhooks/widget/socket.io``. The browser's origin is checked
  against the allow-list (and the server's own origin); the server issues a signed
  session (session.py, sockets.py) and binds it to the socket, so nobody can join
  another person's conversation by naming its id; replies go only to the socket
  that asked.
- Every turn runs through the shared pipeline (bot/channels/common/pipeline.py).
- The draft (text or PDF) is fetched over the same socket (drafts.py).

Events, browser to server: ``session_request {session?}``, ``user_uttered
{message}``, ``draft_request {format: "pdf"|"text"}``. Server to browser:
``session_confirm {session, resumed, texts, links}``, ``bot_uttered {text,
buttons?, kind, progress?, language, document?, rows?, more?}``, ``draft {format,
filename, text|pdf_base64}``. ``more: true`` says another message of the same turn
follows, so the page keeps its "typing" sign up until the turn is whole. ``links``
are the sourced contacts' numbers and addresses (bot/channels/widget/text.py), which
the page turns into tel:, mailto: and web links wherever they appear; ``document``
is a draft's structured form.

The public service's pages (who runs it, privacy, accessibility, feedback) are
at ``/webhooks/widget/<page>`` (pages.py); the trainer's view is trainer.py.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels.common import root_route
from bot.channels.common.inbound import Rejected
from bot.channels.common.lockout import Lockout
from bot.channels.common.pipeline import TURN_TIMEOUT_S, InboundMessage, TurnPipeline, turn_timeout
from bot.channels.common.safety_net import TurnResult
from bot.channels.widget.drafts import DocumentCache, DocumentCollector, WidgetDrafts
from bot.channels.widget.pages import page_language, render_page
from bot.channels.widget.render import for_browser
from bot.channels.widget.session import session_key
from bot.channels.widget.sockets import language_of
from bot.channels.widget.static import NOT_BUILT, PAGE_HEADERS, full_page, static_files
from bot.channels.widget.text import contact_links, widget_texts
from bot.channels.widget.trainer import trainer_view
from bot.config import read, settings
from bot.i18n import _
from bot.store.resume import caller_metadata


@dataclass(frozen=True, kw_only=True)
class WidgetMessage(InboundMessage):
    """A message from a socket: ``sender`` is the conversation bound to it."""

    sid: str


class WidgetInput(TurnPipeline[WidgetMessage, None], WidgetDrafts, SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        origins = list(credentials.get("allowed_origins") or [])
        origins += [
            o.strip() for o in (read("GOLDEN_HOUR_WIDGET_ORIGINS") or "").split(",") if o.strip()
        ]
        return cls(
            allowed_origins=origins,
            turn_timeout_s=turn_timeout(credentials),
        )

    def __init__(
        self, allowed_origins: list[str] | None = None, turn_timeout_s: float = TURN_TIMEOUT_S
    ):
        super().__init__(socketio_path="/webhooks/widget/socket.io")
        self.allowed_origins = tuple(allowed_origins or ())
        # At server start: broken guidance stops the server here.
        self.start_pipeline(turn_timeout_s)
        self.key = session_key()
        self.texts = widget_texts()
        from bot.runtime import knowledge

        self.links = contact_links(knowledge())
        self.files = static_files()
        cfg = settings()
        self.session_lifetime_s = cfg.widget_session_hours * 3600
        self.documents = DocumentCache(self.session_lifetime_s)
        # Seconds since the epoch; tests move it on to expire credentials.
        self.clock: Callable[[], float] = time.time
        self.trainer_lockout = Lockout(
            per_address=cfg.trainer_failures_per_address,
            global_limit=cfg.trainer_failures_global,
            window_s=cfg.trainer_lockout_window_s,
        )
        self.page = full_page(self.texts["en_GB"])
        self.training_page = full_page(self.texts["en_GB"], training=True)

    def info_page(self, name: str, asked_language: str | None) -> bytes | None:
        """One of the public-service pages (who runs it, privacy, accessibility,
        feedback), or None for any other name."""
        from bot.store.resume import code_lifetime
        from bot.store.retention import retention_days

        language = page_language(asked_language)
        page = render_page(
            name,
            settings(),
            language,
            emergency=self.texts[language]["emergency"],
            retention_days=retention_days(),
            resume_days=code_lifetime().days,
            links=[(link["text"], link["href"]) for link in self.links],
        )
        return page.encode("utf-8") if page is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Any:
        sio = AsyncServer(
            async_mode="sanic",
            cors_allowed_origins=self._origin_ok,
            # A message is at most max_message_chars; nothing needs more than this.
            max_http_buffer_size=64 * 1024,
        )
        bp = SocketBlueprint(sio, self.socketio_path, "golden_hour_widget", __name__)
        self.sio, self.bp = sio, bp
        root_route.on_start(bp)  # "/" without the version, and the probes

        @bp.route("/", methods=["GET"])
        async def page(_request: Request) -> HTTPResponse:
            return self._html(self.page)

        @bp.route("/<name:str>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            return await self._file(request, name)

        async def user_uttered(sid: str, data: Any = None) -> None:
            await self.user_uttered(sid, data, on_new_message)

        sio.on("connect", self.connect)
        sio.on("session_request", self.session_request)
        sio.on("user_uttered", user_uttered)
        sio.on("draft_request", self.draft_request)

        @bp.listener("after_server_start")
        async def _keep_app(app: Any, _loop: Any) -> None:
            bp.ctx.app = app

        return bp

    # --- the widget's pages and files ----------------------------------------------

    @staticmethod
    def _html(page: bytes) -> HTTPResponse:
        if not page:
            return response.text(NOT_BUILT, status=503)
        return response.raw(page, content_type="text/html; charset=utf-8", headers=PAGE_HEADERS)

    async def _file(self, request: Request, name: str) -> HTTPResponse:
        if name in ("", "index.html"):
            return self._html(self.page)
        if name == "training":
            return self._html(self.training_page)
        if name == "trainer":
            return await trainer_view(request, self.trainer_lockout)
        info = self.info_page(name, request.args.get("lang"))
        if info is not None:
            return response.raw(info, content_type="text/html; charset=utf-8", headers=PAGE_HEADERS)
        if name not in self.files:
            return response.text("Not found", status=404)
        body, ctype = self.files[name]
        return response.raw(
            body,
            content_type=ctype,
            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"},
        )

    # --- a message, through the shared pipeline -------------------------------------

    async def user_uttered(
        self, sid: str, data: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        sender, renewed = await self.bound_sender(sid)
        if renewed:
            return  # the message belonged to the expired conversation: not used
        if sender is None:
            # Any session_id the browser put in the message is ignored: only
            # the one the server bound to this socket counts.
            await self.safety(sid, _("Please reload the page to start a conversation."))
            return
        address = (await self.sio.get_session(sid)).get("address")
        message = WidgetMessage(
            sender=sender,
            text=data.get("message") if isinstance(data, dict) else None,
            metadata=caller_metadata("widget", address) if address else None,
            sid=sid,
        )
        await self.handle(message, on_new_message, self.agent())

    async def refuse(self, message: WidgetMessage, rejected: Rejected) -> None:
        await self.safety(message.sid, self.refusal_text(rejected))

    def collector(self) -> CollectingOutputChannel:
        return DocumentCollector()

    async def deliver(self, message: WidgetMessage, result: TurnResult, agent: Any) -> None:
        sender = message.conversation_id
        language = await language_of(agent, sender)
        last = len(result.messages) - 1
        for index, said in enumerate(result.messages):
            if isinstance(said.get("document"), dict):
                self._remember_document(sender, said)
            shown = for_browser(said, language)
            if index < last:
                shown["more"] = True
            await self.emit(message.sid, "bot_uttered", shown)

    def _remember_document(self, sender: str, message: dict[str, Any]) -> None:
        said = str(message.get("text") or "")
        if sender.startswith("train-"):
            # The debrief is kept without the TRAINING banner.
            from bot.training.mode import strip_banner

            said = strip_banner(said)
        self.documents.put(sender, said, message["document"], self.clock())
