"""One action per kind of turn; each hands the work to bot/conversation.py."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.base import GoldenHourAction, event_from, now, slot_value, took_resume_code
from bot import conversation as talk
from bot.conversation import Case, Turn
from bot.knowledge import Knowledge
from bot.store.sealed import open_case


class ActionOpening(GoldenHourAction):
    """A greeting: the opening for a new (or finished) conversation, else carry on."""

    action_name = "action_opening"

    def turn(self, kb: Knowledge, case: Case, tracker: Tracker) -> Turn:
        if case.pending in (None, talk.DONE, talk.ENDED):
            return talk.opening(now(), case.language)
        return talk.carry_on(kb, case)


class ActionStartAgain(GoldenHourAction):
    action_name = "action_start_again"

    def turn(self, kb: Knowledge, case: Case, tracker: Tracker) -> Turn:
        return talk.opening(now(), case.language)


class ActionAnswer(GoldenHourAction):
    """An answer (or what may be one) to the open question, checked against it."""

    action_name = "action_answer"

    def turn(self, kb: Knowledge, case: Case, tracker: Tracker) -> Turn:
        return talk.handle(kb, case, event_from(tracker), now())


class ActionImmediateAdvice(GoldenHourAction):
    action_name = "action_immediate_advice"

    def turn(self, kb: Knowledge, case: Case, tracker: Tracker) -> Turn:
        return talk.urgent(kb, case, now(), event_from(tracker))


class ActionBack(GoldenHourAction):
    action_name = "action_back"

    def turn(self, kb: Knowledge, case: Case, tracker: Tracker) -> Turn:
        return talk.back(kb, case)


class ActionWhy(GoldenHourAction):
    action_name = "action_why"

    def turn(self, kb: Knowledge, case: Case, tracker: Tracker) -> Turn:
        return talk.why(kb, case)


class ActionHelp(GoldenHourAction):
    action_name = "action_help"

    def turn(self, kb: Knowledge, case: Case, tracker: Tracker) -> Turn:
        return talk.help_turn(kb, case, now())


class ActionStop(GoldenHourAction):
    action_name = "action_stop"

    def turn(self, kb: Knowledge, case: Case, tracker: Tracker) -> Turn:
        return talk.stop(kb, case, event_from(tracker), now())


class ActionDraft(GoldenHourAction):
    """ "Draft", "summary", "finish", "I have to go": the draft so far, then carry on."""

    action_name = "action_draft"

    def turn(self, kb: Knowledge, case: Case, tracker: Tracker) -> Turn:
        return talk.draft(kb, case, event_from(tracker), now())


class ActionRedirect(GoldenHourAction):
    action_name = "action_redirect"

    def turn(self, kb: Knowledge, case: Case, tracker: Tracker) -> Turn:
        return talk.redirect(kb, case, now(), event_from(tracker))


class ActionSwitchLanguage(GoldenHourAction):
    action_name = "action_switch_language"

    def turn(self, kb: Knowledge, case: Case, tracker: Tracker) -> Turn:
        return talk.switch_language(kb, case, now())


def _resume_store():
    from bot.composition import stores

    return stores().resume


class ActionPause(GoldenHourAction):
    """Store the case under a new resume code and tell the user the code."""

    action_name = "action_pause"

    def turn(self, kb: Knowledge, case: Case, tracker: Tracker) -> Turn:
        event = event_from(tracker)
        if talk.can_pause(case) and talk.leaving_asks_for_draft(event):
            return talk.draft(kb, case, event, now())
        code = _resume_store().save(slot_value(case), now()) if talk.can_pause(case) else None
        return talk.paused(kb, case, code)


class ActionResume(GoldenHourAction):
    """Bring back a paused case from the code the user typed."""

    action_name = "action_resume"

    def turn(self, kb: Knowledge, case: Case, tracker: Tracker) -> Turn:
        from bot.logs import pseudonym
        from bot.store.resume import callers_from_metadata, find_code

        code = find_code(event_from(tracker).text)
        restored = None
        if code is not None:
            # The channel may name the caller too (the widget: a digest of the client's
            # address), so a guesser who changes conversation id is still limited.
            metadata = (tracker.latest_message or {}).get("metadata")
            callers = callers_from_metadata(metadata)
            raw = _resume_store().take(code, pseudonym(tracker.sender_id), now(), callers=callers)
            restored = Case.from_dict(open_case(raw), kb) if raw is not None else None
            if restored is not None:
                took_resume_code(restored.ref)
        if case.pending is None and restored is None:
            case = talk.opening(now(), case.language).case
        return talk.resumed(kb, restored, case)
