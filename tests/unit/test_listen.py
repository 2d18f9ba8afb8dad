"""Listen first (issue 18): facts from every typed message go into the case where
unknown, are shown back once, can be removed by number, and are never asked again."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot import conversation as talk
from bot import listen
from bot.channels.common.collect import CustomCollector
from bot.conversation import Case, Event
from bot.knowledge import Knowledge, load_knowledge
from bot.rasa_adapter.tracker_store import KEPT_TEXT_KINDS, REMOVED, scrub_bot
from bot.reader import IndicatorFact, Reading, read
from bot.replies import HEARD_KEY, KIND_KEY
from bot.triage.answers import URGENT

NOW = dt.datetime(2026, 11, 23, 9, 30)
FIRST = (
    "I'm a teacher in Cardiff. My pupil, aged 15, told me she works long hours at a "
    "nail bar, she does not know the address where she sleeps and an older man "
    "collects her from school."
)
STATED = {"wont_give_personal_details", "adult_collects_child", "seen_in_work_settings"}


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge(today=dt.date(2026, 12, 3))


class Chat:
    """A user typing to the conversation as the actions drive it: each message is
    played by ``handle`` (or the command given) inside ``listened``."""

    def __init__(self, kb: Knowledge) -> None:
        self.kb = kb
        self.case = Case()
        self.last: list = []
        self.asked: list[str] = []

    def say(self, text: str, intent: str = "inform", play=None) -> str:
        event = Event(intent, text, _choice(text))
        run = play or (lambda case: talk.handle(self.kb, case, event, NOW))
        turn = talk.listened(self.kb, self.case, event, NOW, run)
        self.case = turn.case
        self.last = list(turn.replies)
        if self.case.pending not in (None, "check", "done", "ended"):
            self.asked.append(self.case.pending)
        return "\n".join(str(r.text) for r in self.last)


def _choice(text: str) -> str | None:
    if text.startswith('/inform{"choice": "'):
        return text.split('"')[3]
    return None


def _kept(words: str) -> str:
    return words


# --- the pure merge --------------------------------------------------------------------


def test_merge_takes_only_what_is_unknown(kb: Knowledge) -> None:
    case = Case(pending=URGENT, role="police")
    case.answers["seen_in_work_settings"] = {"value": "no", "how": None, "when": None, "note": None}
    reading = Reading(
        role="teacher",
        nation="wales",
        age=15,
        indicators=(
            IndicatorFact("seen_in_work_settings", "yes", "observed", "long hours"),
            IndicatorFact("adult_collects_child", "yes", "disclosed", "older man collects"),
        ),
    )
    noted = listen.merge(kb, case, reading, "an older man collects her", _kept)
    assert case.role == "police"  # the professional's own choice stands
    assert case.answers["seen_in_work_settings"]["value"] == "no"  # never overwritten
    assert [n.key for n in noted] == ["nation", "age", "adult_collects_child"]
    taken = case.answers["adult_collects_child"]
    assert taken == {
        "value": "yes",
        "how": "disclosed",
        "when": None,
        "note": "an older man collects her",
        "source": "reader",
    }
    # a sign of a category answers its screen, so a later "no" cannot take it away
    screen = f"screen:{kb.indicators['adult_collects_child'].category}"
    assert case.answers[screen]["value"] == "yes" and case.inferred == [screen]
    assert URGENT not in case.answers  # the reader never answers the danger question


def test_merge_leaves_a_category_the_professional_closed(kb: Knowledge) -> None:
    case = Case(pending=URGENT)
    screen = f"screen:{kb.indicators['adult_collects_child'].category}"
    case.answers[screen] = {"value": "no", "how": None, "when": None, "note": None}
    reading = Reading(indicators=(IndicatorFact("adult_collects_child", "yes", None, "collects"),))
    assert listen.merge(kb, case, reading, "collects", _kept) == ()
    assert "adult_collects_child" not in case.answers


def test_forget_drops_the_fact_and_the_screen_it_answered(kb: Knowledge) -> None:
    case = Case(pending=URGENT)
    reading = Reading(indicators=(IndicatorFact("adult_collects_child", "yes", None, "collects"),))
    listen.merge(kb, case, reading, "collects", _kept)
    listen.forget(kb, case, "adult_collects_child")
    assert case.answers == {} and case.history == [] and case.inferred == []


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("remove 2", (2,)),
        ("2 is wrong", (2,)),
        ("not 3", (3,)),
        ("Remove 2 and 4.", (2, 4)),
        ("delete number 1", (1,)),
        ("dileu 2", (2,)),
        ("no", ()),
        ("she is 2 years behind", ()),
        ("3", ()),
    ],
)
def test_corrections(text: str, numbers: tuple[int, ...]) -> None:
    assert listen.corrections(text) == numbers


def test_the_note_is_the_clause_in_their_own_words() -> None:
    text = "She works long hours at a nail bar, and an older man collects her."
    assert listen.clause_of(text, "long hours") == "She works long hours at a nail bar"


# --- the conversation ------------------------------------------------------------------


def test_first_message_is_shown_back_and_nothing_in_it_is_asked_again(kb: Knowledge) -> None:
    chat = Chat(kb)
    text = chat.say(FIRST)
    heard = [r for r in chat.last if r.kind == "heard"]
    assert len(heard) == 1 and "Here is what I have noted" in heard[0].text
    assert "works long hours at a nail bar" in heard[0].text
    assert "Correct any by number" in heard[0].text
    data = heard[0].as_rasa_message()[HEARD_KEY]
    assert data["role"] == "teacher" and data["nation"] == "wales" and data["age"] == 15
    assert {k for k, v in data["indicators"].items() if v == "yes"} >= STATED
    # the danger question is still asked first: the reader's silence answers nothing
    assert chat.case.pending == URGENT and "immediate danger" in text
    chat.say("/deny", "deny")
    assert chat.case.pending not in talk.CONTEXT_QUESTIONS  # "my pupil": a school
    while chat.case.pending != "check":
        pending = chat.case.pending
        if pending.startswith("evidence:"):
            chat.say("/skip", "skip")
        else:
            chat.say("/deny", "deny")
        assert len(chat.asked) < 150
    assert not (set(chat.asked) & (STATED | {"role", "nation", "setting"}))
    assert chat.case.age == 15 and chat.case.role == "teacher"
    assert not any(r.kind == "heard" for r in chat.last)  # shown once only
    summary = "\n".join(r.text for r in talk.draft_so_far(kb, chat.case))
    assert "works long hours at a nail bar" in summary


def test_a_noted_fact_is_removed_by_number_and_asked_normally(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say(FIRST)
    numbered = chat.last[[r.kind for r in chat.last].index("heard")].text
    assert "2. Nation: Wales" in numbered and "3. Setting: " in numbered
    text = chat.say("2 is wrong", "deny")
    assert chat.case.nation is None and "Nation: Wales" in text
    assert URGENT not in chat.case.answers  # the correction answered nothing else
    assert chat.case.pending == URGENT
    text = chat.say("/deny", "deny")
    assert chat.case.pending == "nation" and "Where in the UK" in text


def test_a_typed_fact_never_overwrites_an_answer(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("hello", "greet", play=lambda case: talk.opening(NOW))
    chat.say("/deny", "deny")
    chat.say('/inform{"choice": "role.police"}')
    assert chat.case.role == "police"
    chat.say("I'm a teacher and we are in Cardiff")
    assert chat.case.role == "police" and chat.case.nation == "wales"


def test_stated_present_danger_gives_the_advice_first(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("I'm a social worker, the girl is missing right now and her phone is off")
    kinds = [r.kind for r in chat.last]
    assert "advice" in kinds and kinds.index("advice") < kinds.index("heard")
    assert chat.case.answers[URGENT]["value"] == "yes" and chat.case.advised
    assert chat.case.pending == "nation"  # the role was noted, so not asked


def test_no_present_danger_does_not_answer_the_danger_question(kb: Knowledge) -> None:
    chat = Chat(kb)
    text = chat.say("I'm a teacher. I don't think she is in danger, she is safe now")
    assert chat.case.role == "teacher"
    assert chat.case.pending == URGENT and URGENT not in chat.case.answers
    assert "immediate danger" in text and not chat.case.advised


def test_noted_signs_that_raise_the_going_missing_risk_bring_the_advice(kb: Knowledge) -> None:
    """As the same answer given to its question would: a past missing episode is a
    sign the child could go missing (not present danger: the question stays)."""
    chat = Chat(kb)
    text = chat.say("I'm a teacher. She went missing last year but she is safe now")
    assert chat.case.answers["missing_episodes"]["value"] == "yes"
    assert "could go missing" in text and chat.case.advised
    kinds = [r.kind for r in chat.last]
    assert kinds.index("advice") < kinds.index("heard")
    assert chat.case.pending == URGENT and URGENT not in chat.case.answers


def test_a_button_is_not_read(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("hello", "greet", play=lambda case: talk.opening(NOW))
    chat.say("/deny", "deny")
    assert not any(r.kind == "heard" for r in chat.last)


def test_heard_survives_the_slot_and_forgery_is_dropped(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say(FIRST)
    raw = chat.case.to_dict()
    again = Case.from_dict(raw, kb)
    assert again.heard == chat.case.heard and again.inferred == chat.case.inferred
    raw.update(heard=["not_an_indicator", "role"], inferred=["screen:nope", "role"])
    forged = Case.from_dict(raw, kb)
    assert forged.heard == ["role"] and forged.inferred == []


# --- channels: the data in REST's custom, never the words in the tracker ----------------


def test_rest_custom_carries_what_was_heard(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say(FIRST)
    collector = CustomCollector()

    async def send() -> None:
        for reply in chat.last:
            message = reply.as_rasa_message()
            await collector.send_response("someone", message)

    asyncio.run(send())
    customs = [m["custom"] for m in collector.messages if "custom" in m]
    heard = [c for c in customs if c["kind"] == "heard"]
    assert len(heard) == 1
    assert heard[0]["role"] == "teacher"
    assert heard[0]["age"] == 15 and "indicators" in heard[0]
    # The question after it names itself by id, as typed data.
    asked = [c for c in customs if c["kind"] == "question"]
    assert len(asked) == 1 and asked[0]["question"] == chat.case.pending
    assert all("custom" in m or m.get("text") for m in collector.messages)


def test_the_tracker_keeps_neither_the_heard_words_nor_the_data(kb: Knowledge) -> None:
    assert "heard" not in KEPT_TEXT_KINDS  # it quotes what the user typed
    chat = Chat(kb)
    chat.say(FIRST)
    reply = next(r for r in chat.last if r.kind == "heard")
    message = reply.as_rasa_message()
    event = {"event": "bot", "text": message["text"], "data": {}, "metadata": message}
    kept = scrub_bot(event)
    assert kept["text"] == REMOVED
    assert HEARD_KEY not in kept["metadata"] and kept["metadata"][KIND_KEY] == "heard"
    assert "nail bar" not in str(kept)


def test_a_sign_stated_absent_is_noted_as_no_in_their_words(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("I'm a nurse. There is no sign of injuries.")
    heard = next(r for r in chat.last if r.kind == "heard")
    assert chat.case.answers["injuries_abuse_signs"]["value"] == "no"
    assert "There is no sign of injuries" in heard.text
    assert heard.as_rasa_message()[HEARD_KEY]["indicators"] == {"injuries_abuse_signs": "no"}


def test_a_request_for_the_draft_is_not_read_as_a_sign(kb: Knowledge) -> None:
    """ "I have to go" asks for the draft: it is not "the child talks of leaving"."""
    chat = Chat(kb)
    chat.say("hello", "greet", play=lambda case: talk.opening(NOW))
    chat.say("/deny", "deny")
    chat.say("I have to go", "request_draft", play=lambda case: talk.draft(kb, case, None, NOW))
    assert "talks_of_leaving" not in chat.case.answers
    assert not any(r.kind == "heard" for r in chat.last)
    chat.say("She keeps saying she has to go to London soon")  # still read elsewhere
    assert chat.case.answers.get("talks_of_leaving", {}).get("value") == "yes"


@pytest.mark.parametrize(
    "words",
    [
        "got to get back to class - please finish it off and show me",
        "sorry, I've got to head off now, can you write this up",
        "gonna have to go, whats the write up look like",
    ],
)
def test_the_professional_leaving_is_not_read_as_the_child_leaving(
    kb: Knowledge, words: str
) -> None:
    """A leaving clause at the start of a message, first person or without a
    subject, is the professional's; "she's got to get back to him" is the child's."""
    chat = Chat(kb)
    chat.say("hello", "greet", play=lambda case: talk.opening(NOW))
    chat.say("/deny", "deny")
    chat.say(words, "request_draft", play=lambda case: talk.draft(kb, case, None, NOW))
    assert "talks_of_leaving" not in chat.case.answers
    chat.say("She's got to get back to him tonight, she says he'll be angry")
    assert chat.case.answers.get("talks_of_leaving", {}).get("value") == "yes"


@pytest.mark.parametrize(
    ("leaving", "rest"),
    [
        (
            "Sorry got to go but ",
            "she told me an older man is picking her up tonight and she has a new phone "
            "he gave her",
        ),
        (
            "Need to get back to class ",
            "she said she owes money to older boys who threaten her family",
        ),
    ],
)
def test_a_leaving_clause_takes_nothing_from_what_follows_it(
    kb: Knowledge, leaving: str, rest: str
) -> None:
    """Only the professional's own leaving words are left out: every sign read in
    the rest of the message is kept."""
    whole = listen.without_requests(read(leaving + rest, kb), leaving + rest)
    alone = read(rest, kb)
    assert alone.indicators
    assert {f.id for f in alone.indicators} <= {f.id for f in whole.indicators}


def test_a_childs_quoted_words_are_not_the_professional_leaving(kb: Knowledge) -> None:
    words = "I have to go back to them tonight or they'll hurt my mum, she told me"
    assert listen.without_requests(read(words, kb), words) == read(words, kb)


def test_words_about_one_sign_answer_no_other_in_the_same_sentence(kb: Knowledge) -> None:
    """A note typed for "withdrawn or fearful" describes that sign: its "tearful" is
    not also taken as "emotional distress" (the scenario library's notes)."""
    chat = Chat(kb)
    chat.say("hello", "greet", play=lambda case: talk.opening(NOW))
    chat.say("/deny", "deny")
    chat.case.pending = "evidence:withdrawn_fearful"
    chat.case.answers["withdrawn_fearful"] = {
        "value": "yes",
        "how": None,
        "when": None,
        "note": None,
    }
    chat.say("She has become withdrawn and tearful over the past month.")
    assert "decline_school_emotional" not in chat.case.answers
    note = chat.case.answers["withdrawn_fearful"]["note"]
    assert note == "She has become withdrawn and tearful over the past month."


def test_another_sign_in_its_own_sentence_of_a_note_is_taken(kb: Knowledge) -> None:
    reading = Reading(
        indicators=(
            IndicatorFact("withdrawn_fearful", "yes", None, "withdrawn"),
            IndicatorFact("decline_school_emotional", "yes", None, "tearful"),
            IndicatorFact("docs_held_by_other", "yes", "disclosed", "taken her passport"),
        )
    )
    text = "She is withdrawn and tearful. She told me her uncle has taken her passport."
    kept = listen.about_one_sign(reading, text, "withdrawn_fearful")
    assert [f.id for f in kept.indicators] == ["withdrawn_fearful", "docs_held_by_other"]
    unmatched = listen.about_one_sign(reading, "I saw it myself", "adult_collects_child")
    assert unmatched.indicators == ()


def test_nationality_and_the_hour_are_heard_kept_sealed_and_drafted(kb: Knowledge) -> None:
    # Issue 18: nationality and "it's gone 11 on a Sunday night" are read into the
    # case (never asked); the nationality leaves the action server only sealed.
    from bot.store.sealed import PREFIX, open_case, seal_case
    from bot.triage.summary import referral_summary

    chat = Chat(kb)
    chat.say(
        "Police officer in Swansea, it's gone 11 on a Sunday night. 16 year old lad from "
        "Eritrea, arrived alone last week."
    )
    heard = next(r for r in chat.last if r.kind == "heard")
    assert "Nationality: Eritrean" in heard.text
    assert chat.case.nationality == "eritrean"
    assert chat.case.context().office_hours is False
    sealed = seal_case(chat.case.to_dict())
    assert sealed["nationality"].startswith(PREFIX)
    assert "eritrean" not in str(sealed)
    again = Case.from_dict(open_case(sealed), kb)
    assert again.nationality == "eritrean" and again.office_hours is False
    ctx = again.context()
    draft = referral_summary(kb, ctx, again.engine_answers(), talk.assess(kb, ctx, {}), [])
    assert "Nationality, as you said: Eritrean" in draft.as_text()


def test_a_light_sign_heard_is_counted_but_does_not_answer_its_screen(kb: Knowledge) -> None:
    # Issue 18: a vulnerability heard (weight 1, such as low mood) is noted, and its
    # category is screened as usual; a heavier sign answers the screen "yes".
    light = next(i for i in kb.indicators.values() if i.weight < listen.INFER_MIN_WEIGHT)
    heavy = next(i for i in kb.indicators.values() if i.weight >= listen.INFER_MIN_WEIGHT)
    case = Case()
    reading = Reading(
        indicators=(
            IndicatorFact(light.id, "yes", None, "light"),
            IndicatorFact(heavy.id, "yes", None, "heavy"),
        )
    )
    listen.merge(kb, case, reading, "light and heavy", _kept)
    assert case.answers[light.id]["value"] == "yes"
    assert f"screen:{heavy.category}" in case.answers
    if light.category != heavy.category:
        assert f"screen:{light.category}" not in case.answers


def test_a_screen_answered_no_keeps_what_was_told_in_words(kb: Knowledge) -> None:
    case = Case(pending="screen:behaviour", role="teacher", nation="england", setting="school")
    told = next(i for i in kb.in_category("behaviour"))
    case.answers[told.id] = {
        "value": "yes",
        "how": None,
        "when": None,
        "note": "tearful in class",
        "source": listen.READER,
    }
    case.answers["urgent"] = {"value": "no", "how": None, "when": None, "note": None}
    turn = talk.handle(kb, case, Event("deny", "/deny"), NOW)
    assert turn.case.answers["screen:behaviour"]["value"] == "no"
    assert turn.case.answers[told.id]["note"] == "tearful in class"  # never lost
