"""The draft (or, in training, the debrief) over the widget's own socket, as text
or PDF, so only the session's socket can have it. The PDF is built from the same
structured document the page shows (``DocumentCollector`` keeps it from the
turn, ``DocumentCache`` holds the latest per conversation)."""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from typing import Any

from bot.channels.common.collect import KindCollector
from bot.channels.common.state import conversation_state, latest_draft
from bot.channels.widget.sockets import WidgetSockets
from bot.i18n import _, use
from bot.replies import DOCUMENT_KEY

log = logging.getLogger("golden_hour.channels.widget")


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


class WidgetDrafts(WidgetSockets):
    """Mixed into the widget's channel, which sets ``documents``."""

    documents: DocumentCache

    async def draft_request(self, sid: str, data: Any = None) -> None:
        sender, renewed = await self.bound_sender(sid)
        emit = self.emit
        if renewed:
            await emit(sid, "draft", {"error": "expired"})
            return
        wanted = data.get("format") if isinstance(data, dict) else None
        if sender is None or wanted not in ("pdf", "text"):
            await emit(sid, "draft", {"error": "bad_request"})
            return
        training = sender.startswith("train-")
        try:
            state = await conversation_state(self.agent(), sender)
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
            await emit(sid, "draft", {"format": "text", "filename": name + ".txt", "text": text})
            return
        pdf = self._pdf(sender, text, state, training)
        await emit(
            sid,
            "draft",
            {
                "format": "pdf",
                "filename": name + ".pdf",
                "pdf_base64": base64.b64encode(pdf).decode("ascii"),
            },
        )

    def _pdf(self, sender: str, text: str, state: Any, training: bool) -> bytes:
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
                return draft_pdf(
                    text,
                    document=document,
                    banner=_("TRAINING - fictional scenario"),
                    title=_("Debrief"),
                    meta=meta,
                    links=links,
                )
            return draft_pdf(text, document=document, meta=meta, links=links)


def _training_debrief(case_ref: str | None) -> str | None:
    if not case_ref:
        return None
    from bot.composition import stores

    return stores().training.debrief(case_ref)
