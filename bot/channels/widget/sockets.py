"""The widget's sockets and their conversations: the origin is checked on
connect, the server issues a signed session (bot/channels/widget/session.py)
and binds it to the socket, so nobody can join another person's conversation
by naming its id; the binding is checked for expiry on every message, and an
expired one is replaced by a new conversation (the browser is told)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from socketio import AsyncServer

from bot.channels.common.state import conversation_state
from bot.channels.widget.session import Checked, check_session, new_session, origin_allowed
from bot.i18n import _, use
from bot.logs import pseudonym
from bot.training.ids import group_of

log = logging.getLogger("golden_hour.channels.widget")


class WidgetSockets:
    """Mixed into the widget's channel, which sets these attributes."""

    sio: AsyncServer
    bp: Any
    key: bytes
    clock: Callable[[], float]
    session_lifetime_s: float
    allowed_origins: tuple[str, ...]
    texts: dict[str, dict[str, str]]
    links: list[dict[str, str]]
    safety_text: str

    def agent(self) -> Any:
        """Rasa's agent, once the server has started."""
        app = getattr(self.bp.ctx, "app", None)
        return getattr(app.ctx, "agent", None) if app is not None else None

    def check(self, credential: object) -> Checked:
        return check_session(
            self.key, credential, now=self.clock(), lifetime_s=self.session_lifetime_s
        )

    def _origin_ok(self, origin: str | None, environ: dict[str, Any]) -> bool:
        ok = origin_allowed(origin, _own_origin(environ), self.allowed_origins)
        if not ok:
            log.info("widget origin refused", extra={"channel": "widget"})
        return ok

    async def emit(self, sid: str, event: str, data: Any) -> None:
        await self.sio.emit(event, data, to=sid)

    async def safety(self, sid: str, text: str | None = None) -> None:
        if text:
            await self.emit(sid, "bot_uttered", {"text": text, "kind": "text", "more": True})
        await self.emit(sid, "bot_uttered", {"text": self.safety_text, "kind": "safety"})

    async def connect(self, sid: str, environ: dict, _auth: Any = None) -> bool:
        # engine.io has checked the origin already (cors_allowed_origins); this
        # is the second look, so a misconfigured engine.io cannot open the door.
        if not self._origin_ok(environ.get("HTTP_ORIGIN"), environ):
            return False
        # Who is calling, beyond the conversation id (which a caller can renew at
        # will): a keyed digest of the client's address, for the resume-code
        # limit per caller (bot/store/resume.py).
        await self.sio.save_session(sid, {"address": pseudonym(_client_address(environ))})
        return True

    async def bind(self, sid: str, checked: Checked) -> None:
        session = await self.sio.get_session(sid)
        session = dict(session) if isinstance(session, dict) else {}
        session.update(sender=checked.sender, expires_at=checked.expires_at)
        await self.sio.save_session(sid, session)

    async def issue(self, sid: str, *, training: bool, group: Any) -> str:
        """A new conversation for this socket; its credential."""
        credential = new_session(self.key, training=training, group=group, now=self.clock())
        await self.bind(sid, self.check(credential))
        return credential

    async def confirm(self, sid: str, credential: str | None, resumed: bool) -> None:
        data = {"session": credential, "resumed": resumed, "texts": self.texts, "links": self.links}
        await self.emit(sid, "session_confirm", data)

    async def tell_expired(self, sid: str, earlier: str | None) -> None:
        language = await language_of(self.agent(), earlier) if earlier else "en_GB"
        with use(language):
            text = _(
                "Your session had expired, so this is a new conversation. If you paused "
                "the earlier one, type its resume code to carry on with it."
            )
        await self.emit(sid, "bot_uttered", {"text": text, "kind": "text", "language": language})

    async def session_request(self, sid: str, data: Any = None) -> None:
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
            await self.bind(sid, checked)
        else:
            credential = await self.issue(sid, training=training, group=data.get("group"))
        bound = (await self.sio.get_session(sid))["sender"]
        log.info(
            "widget session",
            extra={
                "conversation": pseudonym(bound),
                "resumed": resumed,
                "training": training,
                "expired": checked.expired,
            },
        )
        await self.confirm(sid, credential, resumed)
        if checked.expired:
            await self.tell_expired(sid, checked.earlier)

    async def bound_sender(self, sid: str) -> tuple[str | None, bool]:
        """The conversation bound to this socket, checked for expiry on every
        message; (None, True) when it had expired and the socket has just been
        given a new conversation (the browser is told)."""
        session = await self.sio.get_session(sid)
        sender = session.get("sender") if isinstance(session, dict) else None
        if sender is None:
            return None, False
        if self.clock() < float(session.get("expires_at") or 0):
            return sender, False
        training = sender.startswith("train-")
        credential = await self.issue(sid, training=training, group=group_of(sender))
        log.info(
            "widget session expired",
            extra={"conversation": pseudonym(sender), "training": training},
        )
        await self.confirm(sid, credential, False)
        await self.tell_expired(sid, sender)
        return None, True


async def language_of(agent: Any, sender: str) -> str:
    try:
        return (await conversation_state(agent, sender)).language
    except Exception as exc:  # the tracker store is down: the replies still go out
        log.error("conversation state not read", extra={"error": type(exc).__name__})
        return "en_GB"


def _own_origin(environ: dict[str, Any]) -> str | None:
    host = environ.get("HTTP_HOST")
    if not host:
        return None
    scheme = environ.get("HTTP_X_FORWARDED_PROTO", environ.get("wsgi.url_scheme", "http"))
    return f"{scheme.split(',')[0].strip()}://{host}"


def _client_address(environ: dict[str, Any]) -> str:
    """The client's address as Sanic sees it: behind a reverse proxy, only when
    Sanic is told about the proxy (SANIC_PROXIES_COUNT or SANIC_REAL_IP_HEADER)."""
    request = environ.get("sanic.request")
    address = getattr(request, "remote_addr", "") or getattr(request, "ip", "")
    return str(address or environ.get("REMOTE_ADDR") or "unknown")
