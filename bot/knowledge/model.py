"""Records for the reviewed guidance. Plain frozen dataclasses: the loader builds them,
everything else only reads them."""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str
    seen: str


@dataclass(frozen=True)
class Contact:
    id: str
    name: str
    purpose: str
    phone: str | None
    web: str | None
    hours: str | None
    sources: tuple[str, ...]
    last_verified: dt.date
    email: str | None = None
    accessible: str | None = None
    local: bool = False
    gaps: str | None = None

    def how_to_reach(self) -> str:
        """The number if there is one, else the web address, else the name: what goes
        into a sentence such as "call ..."."""
        return self.phone or self.web or self.name


@dataclass(frozen=True)
class ImmediateAction:
    id: str
    order: int
    text: str
    contacts: tuple[str, ...]
    sources: tuple[str, ...]
    last_reviewed: dt.date


@dataclass(frozen=True)
class Knowledge:
    sources: dict[str, Source]
    contacts: dict[str, Contact]
    immediate_actions: tuple[ImmediateAction, ...]
    review_interval_days: int
    warnings: tuple[str, ...] = field(default=())

    def contact(self, contact_id: str) -> Contact:
        return self.contacts[contact_id]


def placeholders(text: str) -> list[str]:
    """Names used as `{name}` in a text (the contacts it refers to)."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]
