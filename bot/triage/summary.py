"""Draft documents from one set of answers: the child protection referral (to each
nation's own route, named in nations.yml),
a note for a call to the NSPCC Helpline, the facts for a CEOP report, and a blank
printable proforma. Every draft is marked DRAFT and is never sent by the assistant:
the professional checks it and sends it through their own agency's route.

Headings follow what a children's social care referral and the NRM child referral
ask for (concern, indicators with the professional's notes, going-missing risk,
actions taken and when, who has been told, next steps, contacts). Facts (seen or
disclosed) are kept apart from what was reported or suspected.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from babel.dates import format_datetime, get_timezone

from bot import choices
from bot.advice import format_contact
from bot.i18n import N_, _
from bot.knowledge import Knowledge
from bot.triage.answers import (
    FACT_HOW,
    NO,
    NOT_SURE,
    PICK_PREFIX,
    SKIP,
    URGENT,
    YES,
    Answers,
    Context,
)
from bot.triage.assess import CONCERN_WORDS, MISSING_WORDS, Assessment, concerning
from bot.triage.questions import all_question_ids, found_in, question_for
from bot.triage.steps import NextStep

DRAFT_BANNER = N_(
    "DRAFT - not sent. Check and edit it, then send it through your own agency's "
    "referral route. The assistant advises; you decide."
)
TO_COMPLETE = N_("[to complete]")  # a gap for the professional to fill in


def gap() -> str:
    return _(TO_COMPLETE)


# Who does a step. The social care body and the First Responders have each nation's
# own names (nations.yml), so these three are filled in from the guidance.
WHO_WORDS = {
    "you": N_("you"),
    "your_safeguarding_lead": N_("you or your safeguarding lead"),
    "police": N_("the police"),
    "social_care_and_police": N_("{social_care} and the police"),
    "first_responder": N_("a First Responder ({first_responders})"),
}
SOON_WORDS = {
    "now": N_("now"),
    "today": N_("today"),
    "as_soon_as_possible": N_("as soon as possible"),
    "when_planning": N_("when planning"),
}
HOW_WORDS = {
    "observed": N_("seen by you"),
    "disclosed": N_("told to you by the child"),
    "reported": N_("reported by someone else"),
    "suspected": N_("suspected"),
}
WHEN_WORDS = {
    "now": N_("now"),
    "within_6_months": N_("in the last 6 months"),
    "longer_ago": N_("longer ago"),
}


def _label(options: tuple, value: str | None) -> str:
    """The shown label of a context choice (role, nation, setting)."""
    option = next((o for o in options if o.value == value), None)
    return _(option.label) if option else gap()


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class ActionTaken:
    what: str
    when: dt.datetime


@dataclass(frozen=True)
class SharingRecord:
    """Who the professional intends to share the concern with, and whether the child
    or carer has been told (and if not, why not)."""

    share_with: tuple[str, ...] = ()
    child_told: bool | None = None
    carer_told: bool | None = None
    reason_not_told: str | None = None


class DraftText(str):
    """The draft's plain text, exactly as every channel shows it, carrying the same
    draft as a document (``Draft.as_document``) for the channels that render
    headings and lists (the web widget, the PDF). A ``str``, so every caller that
    only wants the text is unchanged."""

    document: dict[str, Any]

    def __new__(cls, text: str, document: dict[str, Any]) -> DraftText:
        made = super().__new__(cls, text)
        made.document = document
        return made


def document_line(line: str) -> dict[str, Any]:
    """One line of a section as a document item: a task ("[ ] ..."), a list item
    ("- ...") or a plain line; notes written under it ("\n    Notes: ...") are
    kept as its own field. Only the draft's own markers are read (as_text writes
    them), never what the professional typed."""
    text, _sep, note = line.partition("\n    ")
    if text.startswith("[ ] "):
        item = {"style": "task", "text": text[4:]}
    elif text.startswith("- "):
        item = {"style": "bullet", "text": text[2:]}
    else:
        item = {"style": "line", "text": text}
    if note:
        item["note"] = note
    return item


@dataclass(frozen=True)
class Draft:
    kind: str
    title: str
    raised_at: str
    sections: tuple[Section, ...]
    banner: str = field(default=DRAFT_BANNER)

    def as_text(self) -> str:
        out = [
            self.title.upper(),
            self.banner,
            _("Concern raised: {when}").format(when=self.raised_at),
        ]
        for section in self.sections:
            out += ["", section.heading, "-" * len(section.heading), *section.lines]
        return DraftText("\n".join(out), self.as_document())

    def as_document(self) -> dict[str, Any]:
        """The same draft as plain data (JSON-safe): title, banner, when the concern
        was raised, and each section's heading and items, for a page or a PDF."""
        return {
            "kind": self.kind,
            "title": self.title,
            "banner": _(self.banner),
            "raised_label": _("Concern raised"),
            "raised_at": self.raised_at,
            "sections": [
                {"heading": s.heading, "items": [document_line(line) for line in s.lines]}
                for s in self.sections
            ],
        }

    def as_markdown(self) -> str:
        out = [
            f"# {self.title}",
            "",
            f"**{_(self.banner)}**",
            "",
            _("Concern raised: {when}").format(when=self.raised_at),
        ]
        for section in self.sections:
            out += ["", f"## {section.heading}", ""]
            out += [
                line if line.startswith(("- ", "[ ]")) else f"- {line}" for line in section.lines
            ]
        return "\n".join(out)

    def as_json(self) -> str:
        return json.dumps({"draft": True, **asdict(self)}, ensure_ascii=False, indent=2)


UK_TIME = get_timezone("Europe/London")


def _when(value: dt.datetime | None, locale: str) -> str:
    """A date and time in UK time, written the way the chosen language writes it
    (a time without a zone is taken as UTC)."""
    if value is None:
        return gap()
    return format_datetime(value, format="d MMMM yyyy, HH:mm", tzinfo=UK_TIME, locale=locale)


def _answer_line(kb: Knowledge, answers: Answers, indicator_id: str) -> str:
    ind = kb.indicators[indicator_id]
    ans = answers[indicator_id]
    parts = [
        ind.question,
        _("answer: {a}").format(a=_("not sure") if ans.value == NOT_SURE else _("yes")),
    ]
    if ans.how:
        parts.append(_(HOW_WORDS[ans.how]))
    if ans.when:
        parts.append(_(WHEN_WORDS[ans.when]))
    line = " - ".join(parts)
    if ans.note:
        line += "\n    " + _("Notes: {note}").format(note=ans.note)
    return line


def _concern_lines(kb: Knowledge, answers: Answers) -> list[str]:
    found = concerning(kb, answers)
    if not found:
        return [_("No indicator answered yes so far.")]
    facts = [i for i in found if answers[i.id].how in FACT_HOW]
    other = [i for i in found if i not in facts]
    lines: list[str] = []
    for heading, group in (
        (_("Facts (seen by you or told to you by the child):"), facts),
        (_("Reported by others, suspected, or source not given:"), other),
    ):
        if group:
            lines.append(heading)
            for ind in group:
                category = kb.categories[ind.category].title
                lines.append(f"- [{_(category)}] " + _answer_line(kb, answers, ind.id))
    return lines


def gap_lines(kb: Knowledge, answers: Answers, unanswered: tuple[str, ...] = ()) -> list[str]:
    """What is not known yet: every question answered "not sure" (an unknown, never
    counted as a concern) or skipped, then every question still open that could change the
    assessment or the route, each as "Not known: <the question>"."""
    unsure = [qid for qid, a in answers.items() if a.value in (NOT_SURE, SKIP) and qid != URGENT]
    ids = list(dict.fromkeys([*unsure, *(q for q in unanswered if q not in answers)]))
    return ["- " + _gap(kb, answers, qid) for qid in ids]


def _gap(kb: Knowledge, answers: Answers, qid: str) -> str:
    if qid.startswith(PICK_PREFIX):  # a list of signs answered "not sure"
        category = qid.removeprefix(PICK_PREFIX)
        title = _(kb.categories[category].title)
        if found_in(kb, answers, category):
            return _('Not known: whether other signs of "{category}" apply').format(category=title)
        return _('Not known: which sign of "{category}" it is').format(category=title)
    return _("Not known: {question}").format(question=_(question_for(kb, qid).text))


def _grab_sheet() -> Section:
    fields = [
        _("Description of the child (height, build, hair, distinguishing marks)"),
        _("Clothing when last seen"),
        _("Recent photo attached: yes / no"),
        _("Phones and numbers the child uses, social media accounts"),
        _("Adults and associates linked to the child, with descriptions"),
        _("Vehicles seen (make, colour, registration)"),
        _("Places linked to the child (addresses, areas, transport hubs)"),
        _("When and where last seen, and with whom"),
    ]
    return Section(
        _("Missing-child grab sheet: fill in now, ready for the police"),
        tuple(f"{f}: {gap()}" for f in fields),
    )


def _sharing_lines(sharing: SharingRecord | None) -> list[str]:
    if sharing is None:
        return [_("Who has been told, and whether the child or carer knows: {x}").format(x=gap())]

    def told(value: bool | None) -> str:
        return {True: _("yes"), False: _("no"), None: gap()}[value]

    lines = [
        _("Sharing with: {who}").format(who=", ".join(_(w) for w in sharing.share_with) or gap()),
        _("Child told about the referral: {x}").format(x=told(sharing.child_told)),
        _("Parent or carer told: {x}").format(x=told(sharing.carer_told)),
    ]
    if sharing.child_told is False or sharing.carer_told is False:
        lines.append(
            _("Why not: {reason}").format(
                reason=_(sharing.reason_not_told) if sharing.reason_not_told else gap()
            )
        )
    return lines


def who_words(kb: Knowledge, nation: str | None, who: str) -> str:
    """Who does a step, in the nation's own terms (neutral when it is not known)."""
    terms = kb.terms(nation)
    if who == "childrens_social_care":
        return _(terms.social_care) if terms else gap()
    names = {
        "social_care": _(terms.social_care) if terms else "",
        "first_responders": _(terms.first_responders) if terms else "",
    }
    return _(WHO_WORDS[who]).format(**names)


def _step_lines(kb: Knowledge, ctx: Context, steps: list[NextStep]) -> list[str]:
    return [
        "[ ] "
        + _("{text} (who: {who}; when: {soon})").format(
            text=s.text, who=who_words(kb, ctx.nation, s.who), soon=_(SOON_WORDS[s.how_soon])
        )
        for s in steps
    ]


def guidance_label(kb: Knowledge) -> str:
    """The guidance version the draft was made with (date and content hash)."""
    return kb.version.label if kb.version else gap()


def draft_contacts(steps: list[NextStep]) -> list[str]:
    """The contact ids the draft's "Contacts" section lists: 999 and the steps'."""
    return list(dict.fromkeys(["police_emergency", *[c for s in steps for c in s.contacts]]))


def _contact_lines(kb: Knowledge, steps: list[NextStep]) -> list[str]:
    return [format_contact(kb, cid) for cid in draft_contacts(steps)]


def _urgent_word(answers: Answers) -> str:
    """The answer to the opening question as the draft states it."""
    value = answers[URGENT].value if URGENT in answers else None
    return {
        YES: _("yes"),
        NO: _("no"),
        NOT_SURE: _("not sure (treated as yes)"),
    }.get(value or "", _("not said"))


def referral_summary(
    kb: Knowledge,
    ctx: Context,
    answers: Answers,
    result: Assessment,
    steps: list[NextStep],
    *,
    case_ref: str | None = None,
    actions_taken: tuple[ActionTaken, ...] = (),
    sharing: SharingRecord | None = None,
    locale: str = "en_GB",
    unanswered: tuple[str, ...] = (),
) -> Draft:
    """The draft referral to children's social care (and notes that can feed an NRM
    referral by a First Responder). ``unanswered``: the questions still open that
    matter, listed with the "not sure" answers as gaps (a draft asked for early)."""
    urgency = [
        _("Going-missing risk: {words}").format(words=_(MISSING_WORDS[result.going_missing])),
        _("Immediate danger or may go missing soon: {x}").format(x=_urgent_word(answers)),
        _("Where the child is now and who they are with: {x}").format(x=gap()),
    ]
    urgency += [f"- {_(d.question)}" for d in result.missing_drivers]
    referral = [
        _("Referrer's role: {x}").format(x=_label(choices.ROLE, ctx.role)),
        _("Nation: {x}").format(x=_label(choices.NATION, ctx.nation)),
        _("Where the child was met: {x}").format(x=_label(choices.SETTING, ctx.setting)),
        _("Referrer's name, agency and contact details (including out of hours): {x}").format(
            x=gap()
        ),
        _(
            "Devolved decision-making pilot area (the NRM decision is made by a local "
            "panel): yes / no / not known: {x}"
        ).format(x=gap()),
        _("Guidance version: {v}").format(v=guidance_label(kb)),
    ]
    if ctx.age is None:
        age = _("not known: treat as a child until age is decided")
    else:
        age = str(ctx.age) + (
            _(" (disputed: treat as a child until decided)") if ctx.age_disputed else ""
        )
    child = [
        _("Case reference or initials: {x}").format(x=case_ref or gap()),
        _("Age or estimated age: {x}").format(x=age),
        *(
            [_("Nationality, as you said: {x}").format(x=ctx.nationality.title())]
            if ctx.nationality
            else []
        ),
        _(
            "Names and aliases, date of birth, nationality, languages and whether an "
            "interpreter is needed, address, school and GP: {x}"
        ).format(x=gap()),
    ]
    concern = [_("Trafficking concern: {words}").format(words=_(CONCERN_WORDS[result.concern]))]
    concern += _concern_lines(kb, answers)
    taken = [f"{_when(a.when, locale)}: {a.what}" for a in actions_taken] or [
        _("None recorded yet: {x}").format(x=gap())
    ]
    sections = [
        Section(_("Urgency"), tuple(urgency)),
        Section(_("Referral details"), tuple(referral)),
        Section(_("The child"), tuple(child)),
        Section(_("The concern and the indicators observed"), tuple(concern)),
    ]
    gaps = gap_lines(kb, answers, unanswered)
    if gaps:
        sections.append(Section(_("Not known yet"), tuple(gaps)))
    sections += [
        Section(_("Actions already taken"), tuple(taken)),
        Section(_("Who has been told"), tuple(_sharing_lines(sharing))),
        Section(_("Next steps"), tuple(_step_lines(kb, ctx, steps))),
        Section(_("Contacts"), tuple(_contact_lines(kb, steps))),
    ]
    if result.going_missing in ("immediate", "high"):
        sections.insert(1, _grab_sheet())
    return Draft(
        kind="referral",
        title=_(terms.draft_title) if (terms := kb.terms(ctx.nation)) else _("Draft referral"),
        raised_at=_when(ctx.concern_raised_at, locale),
        sections=tuple(sections),
    )


def nspcc_call_note(
    kb: Knowledge, ctx: Context, answers: Answers, result: Assessment, *, locale: str = "en_GB"
) -> Draft:
    """The same answers shaped as notes for a call to the NSPCC Helpline."""
    nspcc = kb.contact("nspcc_helpline")
    about = [
        _("My role: {role}. Nation: {nation}. Where I met the child: {setting}.").format(
            role=_label(choices.ROLE, ctx.role),
            nation=_label(choices.NATION, ctx.nation),
            setting=_label(choices.SETTING, ctx.setting),
        ),
        _("Going-missing risk: {x}").format(x=_(MISSING_WORDS[result.going_missing])),
        _("Trafficking concern: {x}").format(x=_(CONCERN_WORDS[result.concern])),
    ]
    ask = [
        _("What should happen next, and who should make the referral?"),
        _("Should the police be told now?"),
        _(terms.guardian_question) if (terms := kb.terms(ctx.nation)) else "",
        _("Guidance version: {v}").format(v=guidance_label(kb)),
    ]
    return Draft(
        kind="nspcc_note",
        title=_("Notes for a call to the NSPCC Helpline ({phone})").format(phone=nspcc.phone),
        raised_at=_when(ctx.concern_raised_at, locale),
        sections=(
            Section(_("About the concern"), tuple(about)),
            Section(_("What I have noticed"), tuple(_concern_lines(kb, answers))),
            Section(_("What to ask"), tuple(ask)),
        ),
    )


def ceop_report_facts(
    kb: Knowledge, ctx: Context, answers: Answers, *, locale: str = "en_GB"
) -> Draft | None:
    """Where online sexual abuse is indicated: the facts to have ready for a CEOP
    report. None when nothing in the online category was answered yes or not sure."""
    online = [i for i in concerning(kb, answers) if i.category == "online"]
    if not online:
        return None
    seen = [f"- {_answer_line(kb, answers, i.id)}" for i in online]
    ready = [
        _("What happened online, in the child's words where possible: {x}").format(x=gap()),
        _("Where: the app, game or website: {x}").format(x=gap()),
        _("Usernames or profiles of the people involved: {x}").format(x=gap()),
        _("When it happened: {x}").format(x=gap()),
        _(
            "Reports to CEOP cannot be anonymous. If the child is in immediate danger, call {p}."
        ).format(p=kb.contact("police_emergency").phone),
    ]
    return Draft(
        kind="ceop_facts",
        title=_("Facts to have ready for a CEOP report ({web})").format(web=kb.contact("ceop").web),
        raised_at=_when(ctx.concern_raised_at, locale),
        sections=(
            Section(_("What you have noticed"), tuple(seen)),
            Section(_("Have these ready"), tuple(ready)),
        ),
    )


def blank_proforma(kb: Knowledge, ctx: Context | None = None) -> Draft:
    """A printable form with every question, from the same question graph, for
    settings where a chat is not possible."""
    ctx = ctx or Context()
    boxes = "[ ] " + _("Yes") + "   [ ] " + _("No") + "   [ ] " + _("Not sure")
    sections: list[Section] = []
    lines: list[str] = []
    heading = _("Start here")
    for qid in all_question_ids(kb, ctx):
        q = question_for(kb, qid)
        if q.kind == "screen" and q.category is not None:
            sections.append(Section(heading, tuple(lines)))
            heading = _(kb.categories[q.category].title)
            lines = [
                f"{q.text}",
                boxes,
                _("If no, go to the next section."),
            ]
            continue
        lines += [q.text, boxes, _("How known / when / notes: ") + "______________________"]
    sections.append(Section(heading, tuple(lines)))
    return Draft(
        kind="proforma",
        title=_("Child trafficking concern: questions to work through"),
        raised_at=gap(),
        sections=tuple(sections),
    )
