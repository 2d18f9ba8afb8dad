"""The trainer's view at ``/webhooks/widget/trainer``: the practice records of a
group (bot/training/report.py), behind HTTP Basic authentication with
GOLDEN_HOUR_TRAINER_TOKEN (any user name) and a lock-out after wrong passwords
(bot/channels/common/lockout.py). Off (404) while no token is set. The log keeps
the address's digest and counts only: never what was typed."""

from __future__ import annotations

import asyncio
import base64
import hmac
import logging

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.common.lockout import Lockout
from bot.channels.widget.static import PAGE_HEADERS
from bot.config import read
from bot.i18n import _, ngettext
from bot.logs import pseudonym
from bot.training.ids import clean_group

log = logging.getLogger("golden_hour.channels.widget")


async def trainer_view(request: Request, lockout: Lockout) -> HTTPResponse:
    """The trainer's page for ``request``, or why not (404, 429, 401, 503)."""
    token = read("GOLDEN_HOUR_TRAINER_TOKEN") or ""
    if not token:
        return response.text(_("The trainer's view is not enabled here."), status=404)
    address = request.remote_addr or request.ip or "unknown"
    wait_s = lockout.retry_after(address)
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
    if not basic_password_ok(request.headers.get("authorization"), token):
        failures = lockout.failed(address)
        locked = lockout.retry_after(address) is not None
        # The address's digest and counts only: never what was typed.
        log.log(
            logging.WARNING if locked else logging.INFO,
            "trainer password wrong",
            extra={
                "address": pseudonym(address),
                "failures": failures,
                "locked": locked,
                "many_addresses": lockout.under_attack,
            },
        )
        return response.text(
            _("Trainers only."),
            status=401,
            headers={"WWW-Authenticate": 'Basic realm="Golden Hour trainers"'},
        )
    lockout.succeeded(address)
    return await _report(request.args.get("group"))


async def _report(asked: str | None) -> HTTPResponse:
    from bot.composition import stores
    from bot.runtime import knowledge
    from bot.training.report import gather, report_html

    group = clean_group(asked)
    notice = None
    if asked is not None and group is None:
        notice = _("That is not a group code (1 to 16 letters and digits): every group is shown.")
    loop = asyncio.get_running_loop()
    try:
        view = await loop.run_in_executor(None, gather, stores().training, group)
    except Exception as exc:
        log.error("trainer view failed", extra={"error": type(exc).__name__})
        return response.text(
            _("The training records cannot be read just now. Please try again later."),
            status=503,
            headers={"Cache-Control": "no-store"},
        )
    page = report_html(view, knowledge(), notice=notice)
    return response.html(page, headers={**PAGE_HEADERS, "Cache-Control": "no-store"})


def basic_password_ok(header: str | None, token: str) -> bool:
    """HTTP Basic authentication with the trainer's password (any user name)."""
    if not header or not header.lower().startswith("basic "):
        return False
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return False
    _user, _sep, password = decoded.partition(":")
    return hmac.compare_digest(password.encode(), token.encode())
