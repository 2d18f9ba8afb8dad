"""The web widget's channel: Rasa's socket.io channel, hardened, plus the widget's
files, served by the same Rasa process.

- ``GET /webhooks/widget/`` is the full-page widget; ``/webhooks/widget/widget.js``
  embeds it in any page with one ``<script>`` tag (the page's origin must be on the
  allow-list).
- Socket.io at ``/webhooks/widget/socket.io``. The browser's origin is checked
  against the allow-list (and the server's own origin); the server issues a signed
  session (bot/channels/widget/session.py) and binds it to the socket, so nobody
  can join another person's conversation by naming its id; replies go only to the
  socket that asked.
- Every turn runs through the shared checks and the safety net, as on REST.
- The draft (text or PDF) is fetched over the same socket, so only the session's
  own socket can have it.

Events, browser to server: ``session_request {session?}``, ``user_uttered
{message}``, ``draft_request {format: "pdf"|"text"}``. Server to browser:
``session_confirm {session, resumed, texts, links}``, ``bot_uttered {text,
buttons?, kind, progress?, language, document?, rows?, more?}``, ``draft {format,
filename, text|pdf_base64}``. ``more: true`` says another message of the same turn
follows, so the page keeps its "typing" sign up until the turn is whole. ``links``
are the sourced contacts' numbers and addresses (bot/channels/widget/text.py), which
the page turns into tel:, mailto: and web links wherever they appear; ``document``
is a draft's structured form.

The pages a public service must have (who runs it, privacy, accessibility,
feedback) are served at ``/webhooks/widget/<page>`` (bot/channels/widget/pages.py).
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import html
import logging
import os
import secrets
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot import logs
from bot.channels.common import inbound, root_route, safety_net
from bot.channels.common.collect import KindCollector
from bot.channels.common.lockout import Lockout
from bot.channels.common.state import conversation_state, latest_draft
from bot.channels.widget.pages import footer_html, govuk_css, page_language, render_page
from bot.channels.widget.session import (
    Checked,
    check_session,
    new_session,
    origin_allowed,
)
from bot.channels.widget.text import contact_links, widget_texts
from bot.config import settings
from bot.i18n import _, ngettext, use
from bot.logs import pseudonym
from bot.replies import DOCUMENT_KEY
from bot.store.resume import caller_metadata
from bot.training.ids import clean_group, group_of

log = logging.getLogger("golden_hour.channels.widget")

ROOT = Path(__file__).resolve().parents[3]
WEB = ROOT / "web"
# name -> (file, content type); read once at start
STATIC = {
    "widget.js": (WEB / "src" / "widget.js", "text/javascript; charset=utf-8"),
    "widget.css": (WEB / "src" / "widget.css", "text/css; charset=utf-8"),
    "socket.io.min.js": (
        WEB / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js",
        "text/javascript; charset=utf-8",
    ),
}
PAGE = WEB / "src" / "index.html"
# The full page only loads its own files and talks to its own server.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' blob: data:; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _session_key() -> bytes:
    from bot.store.crypto import KeyMissing, derived_key

    try:
        return derived_key("widget-session", "GOLDEN_HOUR_WIDGET_KEY")
    except KeyMissing:
        # Sessions then last only as long as this process; say so once.
        log.warning("no widget key or data key: widget sessions end when the server stops")
        return secrets.token_bytes(32)


class DocumentCollector(KindCollector):
    """The shared collector, also keeping a draft's structured form (the
    ``gh_document`` metadata) for the widget, which renders it as a document."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await super().send_text_message(recipient_id, text, **kwargs)
        self._keep_document(kwargs)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await super().send_text_with_buttons(recipient_id, text, buttons, **kwargs)
        self._keep_document(kwargs)

    def _keep_document(self, kwargs: dict[str, Any]) -> None:
        document = kwargs.get(DOCUMENT_KEY)
        if isinstance(document, dict) and self.messages:
            self.messages[-1]["document"] = document


class DocumentCache:
    """The latest draft document of each conversation, in this process's memory
    only, so "Download PDF" can be built from the same structure the page shows.
    It is used only while the stored draft's text is the same; entries go with
    the session's lifetime and the oldest go first beyond ``size``."""

    def __init__(self, lifetime_s: float, size: int = 500) -> None:
        self.lifetime_s = lifetime_s
        self.size = size
        self._items: dict[str, tuple[float, str, dict[str, Any]]] = {}

    def put(self, sender: str, text: str, document: dict[str, Any], now: float) -> None:
        self._items.pop(sender, None)
        self._items[sender] = (now, text, document)
        while len(self._items) > self.size:
            self._items.pop(next(iter(self._items)))

    def get(self, sender: str, text: str, now: float) -> dict[str, Any] | None:
        item = self._items.get(sender)
        if item is None or now - item[0] > self.lifetime_s:
            self._items.pop(sender, None)
            return None
        return item[2] if item[1] == text else None


def _own_origin(environ: dict[str, Any]) -> str | None:
    host = environ.get("HTTP_HOST")
    if not host:
        return None
    scheme = environ.get("HTTP_X_FORWARDED_PROTO", environ.get("wsgi.url_scheme", "http"))
    return f"{scheme.split(',')[0].strip()}://{host}"


class WidgetInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        origins = list(credentials.get("allowed_origins") or [])
        origins += [
            o.strip()
            for o in os.environ.get("GOLDEN_HOUR_WIDGET_ORIGINS", "").split(",")
            if o.strip()
        ]
        return cls(
            allowed_origins=origins,
            turn_timeout_s=float(credentials.get("turn_timeout_s", 20)),
        )

    def __init__(self, allowed_origins: list[str] | None = None, turn_timeout_s: float = 20):
        super().__init__(socketio_path="/webhooks/widget/socket.io")
        logs.configure(settings().log_level)
        self.allowed_origins = tuple(allowed_origins or ())
        self.turn_timeout_s = float(os.environ.get("GOLDEN_HOUR_TURN_TIMEOUT", turn_timeout_s))
        self.safety_text = safety_net.install()
        self.key = _session_key()
        self.texts = widget_texts()
        from bot.runtime import knowledge

        self.links = contact_links(knowledge())
        self.files = {
            name: (path.read_bytes(), ctype)
            for name, (path, ctype) in STATIC.items()
            if path.is_file()
        }
        # GOV.UK Frontend for the service's pages, with the system's fonts.
        govuk = govuk_css()
        if govuk is not None:
            self.files["govuk-frontend.min.css"] = (govuk, "text/css; charset=utf-8")
        missing = sorted(set(STATIC) - set(self.files))
        if missing:
            log.error("widget files missing; run the set-up", extra={"missing": missing})
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
        self.page = _page(self.texts["en_GB"])
        self.training_page = _page(self.texts["en_GB"], training=True)

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

    def check(self, credential: object) -> Checked:
        return check_session(
            self.key, credential, now=self.clock(), lifetime_s=self.session_lifetime_s
        )

    def _origin_ok(self, origin: str | None, environ: dict[str, Any]) -> bool:
        ok = origin_allowed(origin, _own_origin(environ), self.allowed_origins)
        if not ok:
            log.info("widget origin refused", extra={"channel": "widget"})
        return ok

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Any:
        sio = AsyncServer(
            async_mode="sanic",
            cors_allowed_origins=self._origin_ok,
            # A message is at most max_message_chars; nothing needs more than this.
            max_http_buffer_size=64 * 1024,
        )
        bp = SocketBlueprint(sio, self.socketio_path, "golden_hour_widget", __name__)
        self.sio = sio
        cfg = settings()
        root_route.on_start(bp)  # "/" without the version, and the probes

        @bp.route("/", methods=["GET"])
        async def page(_request: Request) -> HTTPResponse:
            if not self.page:
                return response.text("The widget is not built: run the set-up.", status=503)
            return response.raw(
                self.page, content_type="text/html; charset=utf-8", headers=PAGE_HEADERS
            )

        @bp.route("/<name:str>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            if name in ("", "index.html"):
                return await page(request)
            if name == "training":
                if not self.training_page:
                    return response.text("The widget is not built: run the set-up.", status=503)
                return response.raw(
                    self.training_page,
                    content_type="text/html; charset=utf-8",
                    headers=PAGE_HEADERS,
                )
            if name == "trainer":
                return await trainer(request)
            info = self.info_page(name, request.args.get("lang"))
            if info is not None:
                return response.raw(
                    info, content_type="text/html; charset=utf-8", headers=PAGE_HEADERS
                )
            if name not in self.files:
                return response.text("Not found", status=404)
            body, ctype = self.files[name]
            return response.raw(
                body,
                content_type=ctype,
                headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"},
            )

        async def trainer(request: Request) -> HTTPResponse:
            token = os.environ.get("GOLDEN_HOUR_TRAINER_TOKEN", "")
            if not token:
                return response.text(_("The trainer's view is not enabled here."), status=404)
            address = request.remote_addr or request.ip or "unknown"
            wait_s = self.trainer_lockout.retry_after(address)
            if wait_s is not None:
                log.info("trainer view refused: locked", extra={"address": pseudonym(address)})
                minutes = max(1, -(-wait_s // 60))
                return response.text(
                    ngettext(
                        "Too many wrong passwords. Please try again in {minutes} minute.",
                        "Too many wrong passwords. Please try again in {minutes} minutes.",
                        minutes,
                    ).format(minutes=minutes),
                    status=429,
                    headers={"Retry-After": str(wait_s), "Cache-Control": "no-store"},
                )
            if not _basic_password_ok(request.headers.get("authorization"), token):
                failures = self.trainer_lockout.failed(address)
                locked = self.trainer_lockout.retry_after(address) is not None
                # The address's digest and counts only: never what was typed.
                log.log(
                    logging.WARNING if locked else logging.INFO,
                    "trainer password wrong",
                    extra={
                        "address": pseudonym(address),
                        "failures": failures,
                        "locked": locked,
                        "many_addresses": self.trainer_lockout.under_attack,
                    },
                )
                return response.text(
                    _("Trainers only."),
                    status=401,
                    headers={"WWW-Authenticate": 'Basic realm="Golden Hour trainers"'},
                )
            self.trainer_lockout.succeeded(address)
            from bot.runtime import knowledge
            from bot.store.db import engine
            from bot.store.training import TrainingStore
            from bot.training.report import gather, report_html

            asked = request.args.get("group")
            group = clean_group(asked)
            notice = None
            if asked is not None and group is None:
                notice = _(
                    "That is not a group code (1 to 16 letters and digits): every group is shown."
                )
            loop = asyncio.get_running_loop()
            try:
                view = await loop.run_in_executor(None, gather, TrainingStore(engine()), group)
            except Exception as exc:
                log.error("trainer view failed", extra={"error": type(exc).__name__})
                return response.text(
                    _("The training records cannot be read just now. Please try again later."),
                    status=503,
                    headers={"Cache-Control": "no-store"},
                )
            page = report_html(view, knowledge(), notice=notice)
            return response.html(page, headers={**PAGE_HEADERS, "Cache-Control": "no-store"})

        async def emit(sid: str, event: str, data: Any) -> None:
            await sio.emit(event, data, to=sid)

        async def safety(sid: str, text: str | None = None) -> None:
            if text:
                await emit(sid, "bot_uttered", {"text": text, "kind": "text", "more": True})
            await emit(sid, "bot_uttered", {"text": self.safety_text, "kind": "safety"})

        @sio.on("connect")
        async def connect(sid: str, environ: dict, _auth: Any = None) -> bool:
            # engine.io has checked the origin already (cors_allowed_origins); this
            # is the second look, so a misconfigured engine.io cannot open the door.
            if not self._origin_ok(environ.get("HTTP_ORIGIN"), environ):
                return False
            # Who is calling, beyond the conversation id (which a caller can renew at
            # will): a keyed digest of the client's address, for the resume-code
            # limit per caller (bot/store/resume.py).
            await sio.save_session(sid, {"address": pseudonym(_client_address(environ))})
            return True

        async def bind(sid: str, checked: Checked) -> None:
            session = await sio.get_session(sid)
            session = dict(session) if isinstance(session, dict) else {}
            session.update(sender=checked.sender, expires_at=checked.expires_at)
            await sio.save_session(sid, session)

        async def issue(sid: str, *, training: bool, group: Any) -> str:
            """A new conversation for this socket; its credential."""
            credential = new_session(self.key, training=training, group=group, now=self.clock())
            await bind(sid, self.check(credential))
            return credential

        async def tell_expired(sid: str, earlier: str | None) -> None:
            language = await _language(_agent(bp), earlier) if earlier else "en_GB"
            with use(language):
                text = _(
                    "Your session had expired, so this is a new conversation. If you paused "
                    "the earlier one, type its resume code to carry on with it."
                )
            await emit(sid, "bot_uttered", {"text": text, "kind": "text", "language": language})

        @sio.on("session_request")
        async def session_request(sid: str, data: Any = None) -> None:
            data = data if isinstance(data, dict) else {}
            training = data.get("training") is True
            offered = data.get("session")
            checked = self.check(offered)
            sender = checked.sender
            if sender is not None and sender.startswith("train-") != training:
                sender = None  # a real session never turns into a training one, or back
            resumed = sender is not None
            if resumed:
                credential = offered
                await bind(sid, checked)
            else:
                credential = await issue(sid, training=training, group=data.get("group"))
            bound = (await sio.get_session(sid))["sender"]
            log.info(
                "widget session",
                extra={
                    "conversation": pseudonym(bound),
                    "resumed": resumed,
                    "training": training,
                    "expired": checked.expired,
                },
            )
            await emit(
                sid,
                "session_confirm",
                {
                    "session": credential,
                    "resumed": resumed,
                    "texts": self.texts,
                    "links": self.links,
                },
            )
            if checked.expired:
                await tell_expired(sid, checked.earlier)

        async def bound_sender(sid: str) -> tuple[str | None, bool]:
            """The conversation bound to this socket, checked for expiry on every
            message; (None, True) when it had expired and the socket has just been
            given a new conversation (the browser is told)."""
            session = await sio.get_session(sid)
            sender = session.get("sender") if isinstance(session, dict) else None
            if sender is None:
                return None, False
            if self.clock() < float(session.get("expires_at") or 0):
                return sender, False
            training = sender.startswith("train-")
            credential = await issue(sid, training=training, group=group_of(sender))
            log.info(
                "widget session expired",
                extra={"conversation": pseudonym(sender), "training": training},
            )
            await emit(
                sid,
                "session_confirm",
                {
                    "session": credential,
                    "resumed": False,
                    "texts": self.texts,
                    "links": self.links,
                },
            )
            await tell_expired(sid, sender)
            return None, True

        @sio.on("user_uttered")
        async def user_uttered(sid: str, data: Any = None) -> None:
            sender, renewed = await bound_sender(sid)
            if renewed:
                return  # the message belonged to the expired conversation: not used
            if sender is None:
                # Any session_id the browser put in the message is ignored: only
                # the one the server bound to this socket counts.
                await safety(sid, _("Please reload the page to start a conversation."))
                return
            text = data.get("message") if isinstance(data, dict) else None
            rejected = inbound.check_message(
                sender, text, max_chars=cfg.max_message_chars, max_sender=cfg.max_sender_chars
            )
            if rejected is not None:
                log.info("message refused", extra={"channel": "widget", "reason": rejected.reason})
                await safety(sid, inbound.rejection_text(rejected.reason, cfg.max_message_chars))
                return
            agent = _agent(bp)
            intents = agent.domain.intents if agent and agent.domain else ()
            cleaned = inbound.neutralise_payload(inbound.clean_text(text), intents)
            address = (await sio.get_session(sid)).get("address")
            result = await safety_net.run_turn(
                on_new_message,
                cleaned,
                sender,
                self.name(),
                safety_text=self.safety_text,
                timeout_s=self.turn_timeout_s,
                collector=DocumentCollector(),
                metadata=caller_metadata("widget", address) if address else None,
            )
            language = await _language(agent, sender)
            last = len(result.messages) - 1
            for index, message in enumerate(result.messages):
                if isinstance(message.get("document"), dict):
                    said = str(message.get("text") or "")
                    if sender.startswith("train-"):
                        # The debrief is kept without the TRAINING banner.
                        from bot.training.mode import strip_banner

                        said = strip_banner(said)
                    self.documents.put(sender, said, message["document"], self.clock())
                shown = _for_browser(message, language)
                if index < last:
                    shown["more"] = True
                await emit(sid, "bot_uttered", shown)

        @sio.on("draft_request")
        async def draft_request(sid: str, data: Any = None) -> None:
            sender, renewed = await bound_sender(sid)
            if renewed:
                await emit(sid, "draft", {"error": "expired"})
                return
            wanted = data.get("format") if isinstance(data, dict) else None
            if sender is None or wanted not in ("pdf", "text"):
                await emit(sid, "draft", {"error": "bad_request"})
                return
            agent = _agent(bp)
            training = sender.startswith("train-")
            try:
                state = await conversation_state(agent, sender)
                read = _training_debrief if training else latest_draft
                loop = asyncio.get_running_loop()
                text = await loop.run_in_executor(None, read, state.case_ref)
            except Exception as exc:
                log.error("draft not read", extra={"error": type(exc).__name__})
                await emit(sid, "draft", {"error": "unavailable"})
                return
            if not text:
                await emit(sid, "draft", {"error": "no_draft"})
                return
            name = f"golden-hour-{'debrief' if training else 'draft'}-{state.case_ref}"
            if wanted == "text":
                draft = {"format": "text", "filename": name + ".txt", "text": text}
                await emit(sid, "draft", draft)
                return
            from bot.export import Meta, PdfLink, draft_pdf
            from bot.runtime import knowledge
            from bot.triage.summary import guidance_label

            links = [PdfLink(link["text"], link["href"]) for link in self.links]
            meta = Meta(
                case_ref=None if training else state.case_ref,
                date=time.strftime("%Y-%m-%d", time.gmtime(self.clock())),
                guidance=guidance_label(knowledge()),
                language=state.language,
            )
            with use(state.language):
                document = self.documents.get(sender, text, self.clock())
                if training:
                    pdf = draft_pdf(
                        text,
                        document=document,
                        banner=_("TRAINING - fictional scenario"),
                        title=_("Debrief"),
                        meta=meta,
                        links=links,
                    )
                else:
                    pdf = draft_pdf(text, document=document, meta=meta, links=links)
            await emit(
                sid,
                "draft",
                {
                    "format": "pdf",
                    "filename": name + ".pdf",
                    "pdf_base64": base64.b64encode(pdf).decode("ascii"),
                },
            )

        @bp.listener("after_server_start")
        async def _keep_app(app: Any, _loop: Any) -> None:
            bp.ctx.app = app

        return bp


def _client_address(environ: dict[str, Any]) -> str:
    """The client's address as Sanic sees it: behind a reverse proxy, only when
    Sanic is told about the proxy (SANIC_PROXIES_COUNT or SANIC_REAL_IP_HEADER)."""
    request = environ.get("sanic.request")
    address = getattr(request, "remote_addr", "") or getattr(request, "ip", "")
    return str(address or environ.get("REMOTE_ADDR") or "unknown")


def _page(texts: dict[str, str], *, training: bool = False) -> bytes:
    """The full page, with the sourced emergency line for browsers without scripts;
    the training page is the same widget started in training mode."""
    if not PAGE.is_file():
        return b""
    notice = html.escape(f"{texts['needs_script']} {texts['emergency']}")
    page = PAGE.read_text(encoding="utf-8").replace("{{noscript}}", notice)
    page = page.replace("{{footer}}", footer_html())
    if training:
        page = page.replace('data-mode="page"', 'data-mode="page" data-training="1"')
    return page.encode("utf-8")


def _training_debrief(case_ref: str | None) -> str | None:
    if not case_ref:
        return None
    from bot.store.db import engine
    from bot.store.training import TrainingStore

    return TrainingStore(engine()).debrief(case_ref)


def _basic_password_ok(header: str | None, token: str) -> bool:
    """HTTP Basic authentication with the trainer's password (any user name)."""
    if not header or not header.lower().startswith("basic "):
        return False
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return False
    _user, _sep, password = decoded.partition(":")
    return hmac.compare_digest(password.encode(), token.encode())


def _agent(bp: Any) -> Any:
    app = getattr(bp.ctx, "app", None)
    return getattr(app.ctx, "agent", None) if app is not None else None


async def _language(agent: Any, sender: str) -> str:
    try:
        return (await conversation_state(agent, sender)).language
    except Exception as exc:  # the tracker store is down: the replies still go out
        log.error("conversation state not read", extra={"error": type(exc).__name__})
        return "en_GB"


def _for_browser(message: dict[str, Any], language: str) -> dict[str, Any]:
    """Only the fields the widget uses, as plain strings (it never renders HTML)."""
    from bot.channels.common.collect import kind_of

    out: dict[str, Any] = {
        "text": str(message.get("text") or ""),
        "kind": kind_of(message),
        "language": language,
    }
    if message.get("buttons"):
        out["buttons"] = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in message["buttons"]
        ]
    if message.get("progress"):
        out["progress"] = str(message["progress"])
    if isinstance(message.get("document"), dict):
        out["document"] = message["document"]
    if isinstance(message.get("rows"), list):
        out["rows"] = [
            {k: str(row.get(k, "")) for k in ("label", "answer", "change")}
            for row in message["rows"]
            if isinstance(row, dict)
        ]
    return out
