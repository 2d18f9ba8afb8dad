"""Where the conversation is and what to say next: pure functions of the stage and
what the user did. Rasa decides which of these to call (one action each); this
module decides the content.

Stages so far:
  None            nothing said yet: any first message gets the opening
  urgent_screen   asked whether the child is in immediate danger or may go missing
  advised         immediate-action advice given
  routed          told the non-urgent route (no immediate danger)
  ended           the user stopped
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.advice import format_contact
from bot.i18n import _
from bot.knowledge import Knowledge
from bot.replies import Choice, Reply
from bot.triage.answers import Context
from bot.triage.steps import immediate_texts

URGENT_SCREEN = "urgent_screen"
ADVISED = "advised"
ROUTED = "routed"
ENDED = "ended"
STAGES = (URGENT_SCREEN, ADVISED, ROUTED, ENDED)

# Answers a user can give to a yes/no/not-sure question, and the button payloads
# that stand for them (plain intents: a typed "/affirm" means the same as "yes").
YES, NO, NOT_SURE = "yes", "no", "not_sure"
ANSWER_INTENTS = {"affirm": YES, "deny": NO, "unsure": NOT_SURE}


@dataclass(frozen=True)
class Turn:
    replies: tuple[Reply, ...]
    stage: str | None


def _intro() -> Reply:
    return Reply(
        _(
            "Hello, I'm Golden Hour. I help professionals who are worried that a child "
            "may have been trafficked or exploited: I give advice, and I am not an "
            "emergency service."
        )
    )


def _urgent_question() -> Reply:
    return Reply(
        _("First: is the child in immediate danger, or might they go missing soon?"),
        choices=(
            Choice(_("Yes"), "/affirm"),
            Choice(_("No"), "/deny"),
            Choice(_("Not sure"), "/unsure"),
        ),
        kind="question",
    )


def opening() -> Turn:
    """The first thing anyone sees: who we are, then the urgent screen."""
    return Turn((_intro(), _urgent_question()), URGENT_SCREEN)


def urgent_advice(knowledge: Knowledge, stage: str | None, ctx: Context | None = None) -> Turn:
    """Immediate-action advice for this professional, from any point. On a first
    message it opens with a one-line introduction so the user knows what is
    answering. Without a context (role, nation, time) the general advice is given."""
    replies: list[Reply] = []
    if stage is None:
        replies.append(Reply(_("I'm Golden Hour, a guidance assistant, not an emergency service.")))
    steps = immediate_texts(knowledge, ctx or Context())
    body = "\n".join(f"{i}. {step}" for i, step in enumerate(steps, start=1))
    replies.append(
        Reply(
            _("Act now. These steps come first:") + "\n" + body,
            kind="advice",
        )
    )
    replies.append(
        Reply(
            _(
                "The decisions are yours and your agency's: I advise, you decide. "
                "Type 'help' to see what else I can do."
            )
        )
    )
    return Turn(tuple(replies), ADVISED)


def non_urgent_route(knowledge: Knowledge) -> Turn:
    """No immediate danger: the route every professional follows, and the offer to
    come back the moment that changes."""
    text = "\n".join(
        [
            _(
                "Thank you. Even without immediate danger, a worry about trafficking "
                "needs acting on:"
            ),
            _("1. Tell your designated safeguarding lead or safeguarding lead today."),
            _("2. Refer to children's social care at the local authority."),
            _("3. For advice, call the {nspcc}.").format(
                nspcc=format_contact(knowledge, "nspcc_helpline")
            ),
            _("If at any point the child may go missing, type 'urgent'."),
        ]
    )
    return Turn((Reply(text, kind="advice"),), ROUTED)


def answer(knowledge: Knowledge, stage: str | None, intent: str) -> Turn:
    """A yes / no / not sure. What it answers depends on the question last asked;
    with no question open it is not an answer, so the user is re-oriented."""
    value = ANSWER_INTENTS.get(intent)
    if stage is None:
        return opening()
    if stage == URGENT_SCREEN and value is not None:
        # Precaution over precision: "not sure" about going missing counts as yes.
        if value in (YES, NOT_SURE):
            return urgent_advice(knowledge, stage)
        return non_urgent_route(knowledge)
    return redirect(stage)


def help_turn(knowledge: Knowledge, stage: str | None) -> Turn:
    text = "\n".join(
        [
            _(
                "I ask about what you have noticed, give immediate-action advice when a "
                "child may go missing, and point you to the right services."
            ),
            _("At any time type 'urgent' for immediate-action advice, or 'stop' to end."),
            _("In an emergency call {police}.").format(
                police=knowledge.contact("police_emergency").how_to_reach()
            ),
        ]
    )
    replies: list[Reply] = [_intro()] if stage is None else []
    replies.append(Reply(text))
    if stage in (None, URGENT_SCREEN):
        replies.append(_urgent_question())
    return Turn(tuple(replies), stage or URGENT_SCREEN)


def stop(knowledge: Knowledge) -> Turn:
    contacts = "\n".join(
        f"- {format_contact(knowledge, cid)}"
        for cid in ("police_emergency", "nspcc_helpline", "modern_slavery_helpline")
    )
    text = _("Thank you. I've stopped here. If you need them:") + "\n" + contacts
    return Turn((Reply(text, kind="safety"),), ENDED)


def redirect(stage: str | None) -> Turn:
    """Out of scope or not understood: a short redirect, never a guess."""
    if stage is None:
        return opening()
    replies: list[Reply] = [
        Reply(
            _(
                "Sorry, I can only help with worries that a child is being trafficked "
                "or exploited. Type 'urgent' for immediate-action advice or 'help'."
            )
        )
    ]
    if stage == URGENT_SCREEN:
        replies.append(_urgent_question())
    return Turn(tuple(replies), stage)
