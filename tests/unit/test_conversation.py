"""The guided conversation, driven as a user would, on the pure state machine."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import conversation as talk
from bot.conversation import Case, Event
from bot.knowledge import Knowledge, load_knowledge
from bot.triage import remaining
from bot.triage.answers import URGENT
from bot.triage.questions import MAX_ASKED, categories_in_play

NOW = dt.datetime(2026, 11, 23, 9, 30)


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge(today=dt.date(2026, 12, 3))


class Chat:
    """A user talking to the state machine; keeps every reply."""

    def __init__(self, kb: Knowledge) -> None:
        self.kb = kb
        turn = talk.opening(NOW)
        self.case = turn.case
        self.log = list(turn.replies)
        self.last = list(turn.replies)

    def _take(self, turn: talk.Turn) -> str:
        self.case = turn.case
        self.last = list(turn.replies)
        self.log += self.last
        return "\n".join(r.text for r in self.last)

    def say(self, intent: str, text: str = "", choice: str | None = None) -> str:
        return self._take(talk.handle(self.kb, self.case, Event(intent, text, choice), NOW))

    def urgent(self) -> str:
        return self._take(talk.urgent(self.kb, self.case, NOW))

    def back(self) -> str:
        return self._take(talk.back(self.kb, self.case))

    def why(self) -> str:
        return self._take(talk.why(self.kb, self.case))

    def context(self, role="teacher", nation="england", setting="school") -> None:
        self.say("inform", choice=f"role.{role}")
        self.say("inform", choice=f"nation.{nation}")
        self.say("inform", choice=f"setting.{setting}")

    def until_age(self) -> None:
        """Answer "no" to every engine question until the child's age is asked."""
        for _turn in range(40):
            if self.case.pending == talk.AGE:
                return
            self.say("deny", "no")
        raise AssertionError(f"the age was not asked (open: {self.case.pending})")

    def yes_to_first_sign(self) -> str:
        """At "which of these is it?" (after a screen's yes), choose the first sign
        listed; at a sign's own question, say yes. Returns the sign's id."""
        pending = self.case.pending or ""
        if pending.startswith("pick:"):
            listed = talk.pick_options(
                self.kb,
                self.case.context(),
                self.case.engine_answers(),
                pending.removeprefix("pick:"),
            )
            self.say("inform", choice=f"pick.{listed[0].id}")
            return listed[0].id
        self.say("affirm")
        return pending

    def buttons(self) -> list[str]:
        return [c.payload for r in self.last for c in r.choices]

    def answer_all(self, policy, carry_on: bool = False) -> int:
        """Answer engine questions with policy(question id) until the check; at the
        offer after the most questions, see the assessment (or ``carry_on``)."""
        asked = 0
        for _turn in range(300):
            pending = self.case.pending
            if pending in ("check", None):
                return asked
            if pending.startswith("evidence:"):
                self.say("skip", "skip")
            elif pending == talk.OFFER:
                self.say("deny" if carry_on else "affirm")
            elif pending == talk.AGE:
                self.say("inform", choice="age.unknown")
            elif pending.startswith("pick:"):
                # "Which of these is it?": the first listed sign the policy says yes to
                asked += 1
                category = pending.removeprefix("pick:")
                options = talk.pick_options(
                    self.kb, self.case.context(), self.case.engine_answers(), category
                )
                sign = next((i.id for i in options if policy(i.id) == "affirm"), None)
                if sign is not None:
                    self.say("inform", choice=f"pick.{sign}")
                else:
                    self.say("unsure" if policy(pending) == "unsure" else "deny")
            else:
                asked += 1
                self.say(policy(pending))
        raise AssertionError(f"no check after 300 turns (open: {self.case.pending})")


def test_opening_says_who_it_is_and_asks_about_danger_first(kb: Knowledge) -> None:
    chat = Chat(kb)
    text = "\n".join(r.text for r in chat.log)
    assert "not an emergency" in text
    assert "initials or a case reference" in text and "never the child's full name" in text
    assert chat.case.pending == URGENT
    assert chat.buttons()[-3:] == ["/affirm", "/deny", "/unsure"]
    assert "/switch_language" in chat.buttons()


def test_yes_at_the_opening_reaches_advice_on_the_second_turn(kb: Knowledge) -> None:
    chat = Chat(kb)
    text = chat.say("affirm", "yes")
    assert "999" in text and "0808 800 5000" in text
    # The nation is not known yet: wording that is right in every nation.
    assert "social services or social work" in text and "children's social care" not in text
    assert chat.case.pending == "role"  # then on to the referral


def test_context_by_words_and_by_buttons(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny", "no")
    chat.say("inform", "I'm a social worker")
    assert chat.case.role == "social_care"
    chat.say("inform", choice="role.teacher")  # a role button pressed while nation is open
    assert chat.case.nation is None and "did not understand" in "\n".join(r.text for r in chat.last)
    assert chat.case.role == "social_care"
    chat.say("inform", "we're in Cardiff")
    assert chat.case.nation == "wales"
    chat.say("inform", "at the airport")
    assert chat.case.setting == "port_or_border"
    assert chat.case.pending == "screen:going_missing"  # the age comes later


def test_the_age_is_asked_once_when_the_words_did_not_give_it(kb: Knowledge) -> None:
    """Issue 18: the draft must hold the child's age, so it is asked when unknown,
    once the questions in play are done (it never holds back the going-missing
    questions): typed as a number or in words, or "not known", and never again."""
    chat = Chat(kb)
    chat.say("deny", "no")
    chat.context(role="police", nation="scotland", setting="police_contact")
    assert chat.case.pending == "screen:going_missing"
    chat.until_age()
    assert "How old is the child?" in chat.last[-1].text
    assert chat.buttons() == ['/inform{"choice": "age.unknown"}', "/request_draft"]
    chat.say("inform", "she is in year 10")  # a school year, not an age
    assert chat.case.pending == "age" and "as a number" in "\n".join(r.text for r in chat.last)
    chat.say("inform", "don't know")
    assert chat.case.age is None and chat.case.age_unknown
    assert chat.case.pending not in ("age", None)
    assert "age" not in chat.case.pending
    # "Not known" stays known after a round trip through the slot.
    assert Case.from_dict(chat.case.to_dict(), kb).age_unknown
    chat.answer_all(lambda qid: "deny")
    assert chat.case.history.count("age") == 1


def test_the_age_counts_against_the_most_questions_before_the_offer(kb: Knowledge) -> None:
    """ "Yes" to every screen and "no" to every sign (the search for which sign it is
    runs longest): the offer comes after at most MAX_ASKED questions, the age counted
    among them, and once the budget is spent the age waits until they carry on."""
    chat = Chat(kb)
    chat.say("deny", "no")
    chat.context()
    asked: list[str] = []
    for _turn in range(200):
        pending = chat.case.pending
        if pending == talk.OFFER:
            break
        if pending.startswith("evidence:"):
            chat.say("skip", "skip")
        elif pending == talk.AGE:
            asked.append(pending)
            chat.say("inform", choice="age.unknown")
        elif pending.startswith("screen:") or pending == "more":
            asked.append(pending)
            chat.say("affirm", "yes")
        else:
            asked.append(pending)
            chat.say("deny", "no")
    assert chat.case.pending == talk.OFFER
    assert len(asked) + 1 <= MAX_ASKED  # the opening question is one of them
    assert chat.case.budget_used() <= MAX_ASKED


def test_an_age_in_the_first_words_is_not_asked_again(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.case.age = 14  # as the reader notes it from the first message
    chat.say("deny", "no")
    chat.context()
    asked = []
    chat.answer_all(lambda qid: asked.append(qid) or "deny")
    assert "age" not in asked and "age" not in chat.case.history


def test_a_typed_age_is_kept_shown_in_the_check_and_can_be_changed(kb: Knowledge) -> None:
    """Typed "15": the age is in the case, and "Change" from the check asks it again."""
    chat = Chat(kb)
    chat.say("deny", "no")
    chat.context()
    chat.until_age()
    chat.say("inform", "about fifteen I think")
    assert chat.case.age == 15 and chat.case.history[-1] == "age"
    chat.back()
    assert chat.case.pending == "age" and chat.case.age is None
    chat.say("inform", "she says 16, looks 13")  # two numbers: which is meant is unclear
    assert chat.case.age is None and chat.case.pending == "age"
    chat.say("inform", "16")
    assert chat.case.age == 16
    chat.answer_all(lambda qid: "deny")
    rows = next(r for r in chat.last if r.kind == "check").rows
    assert [(r.label, r.answer, r.value) for r in rows if r.question == "age"] == [
        ("Child's age", "16", "16")
    ]


@pytest.mark.parametrize(
    ("words", "age"),
    [("15", 15), ("about 14", 14), ("she's sixteen", 16), ("15 years old", 15), ("12yo", 12)],
)
def test_typed_age_reads_a_short_answer(words: str, age: int) -> None:
    assert talk.typed_age(words) == age


@pytest.mark.parametrize(
    "words",
    [
        "",
        "not sure",
        "he's 15 or 16",
        "Y11",
        "she's in S4",
        "year 9",
        "99",
        "she has been with 3 men over the last 2 weeks",
    ],
)
def test_typed_age_takes_nothing_unclear(words: str) -> None:
    assert talk.typed_age(words) is None


@pytest.mark.parametrize(
    ("words", "entity_age"),
    [
        ("she is in year 9", 9),  # the model's age rule tags any number
        ("year nine", None),
        ("blwyddyn 9", 9),
        ("12 or 13", 13),  # the model keeps the last of two numbers
        ("she's 15 or 16", 16),
    ],
)
def test_the_age_question_takes_no_school_year_and_no_guess_between_two(
    kb: Knowledge, words: str, entity_age: int | None
) -> None:
    """The age question reads its own answer: a school year or two ages is asked
    again, whatever age the model's entity rule tagged in the words."""
    chat = Chat(kb)
    chat.say("deny", "no")
    chat.context()
    chat.until_age()
    chat._take(talk.handle(kb, chat.case, Event("inform", words, age=entity_age), NOW))
    assert chat.case.age is None and chat.case.pending == "age"
    assert "as a number" in "\n".join(r.text for r in chat.last)


@pytest.mark.parametrize("words", ["no one knows", "nobody knows", "ddim yn gwybod"])
def test_no_one_knowing_the_age_is_not_known_not_age_one(kb: Knowledge, words: str) -> None:
    chat = Chat(kb)
    chat.say("deny", "no")
    chat.context()
    chat.until_age()
    chat.say("inform", words)
    assert chat.case.age is None and chat.case.age_unknown


def test_questions_have_buttons_and_an_honest_progress_line(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    # the going-missing screen cannot be skipped
    assert "/skip" not in chat.buttons() and "/why" in chat.buttons()
    low, high = remaining(kb, chat.case.context(), chat.case.engine_answers(), chat.case.asked())
    assert low < high <= MAX_ASKED - 1  # the opening question is answered
    assert f"Up to {high} more questions" in chat.last[-1].text
    assert "cannot be skipped" in chat.say("skip", "skip")
    chat.say("deny")
    assert "/skip" in chat.buttons()


def test_yes_asks_how_it_is_known_and_keeps_a_note(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    chat.say("affirm")  # going-missing screen
    first = chat.yes_to_first_sign()
    assert chat.case.pending == f"evidence:{first}"
    chat.say("inform", "The child told me she has run off twice this month")
    answer = chat.case.answers[first]
    assert answer["note"].startswith("The child told me")
    assert answer["how"] == "disclosed"
    assert not chat.case.pending.startswith("evidence:")


def test_going_missing_found_mid_way_interrupts_then_returns(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    chat.say("affirm")  # going-missing screen: a screen alone is not a sign
    assert "Act now" not in "\n".join(r.text for r in chat.log)
    first = chat.yes_to_first_sign()  # the first going-missing sign: advice at once
    text = "\n".join(r.text for r in chat.last)
    assert "could go missing" in text and "Act now" in text
    assert chat.case.pending == f"evidence:{first}"  # then on with the questions
    chat.say("skip", "skip")

    def policy(qid: str) -> str:
        return (
            "affirm"
            if qid in ("screen:control", "pick:control", "screen:documents", "more")
            else "deny"
        )

    for _turn in range(100):
        pending = chat.case.pending
        assert pending != "check", "no second advice before the check"
        if pending.startswith("evidence:"):
            chat.say("skip", "skip")
            continue
        if pending == talk.AGE:
            chat.say("inform", choice="age.unknown")
            continue
        if pending.startswith("pick:") and policy(pending) == "affirm":
            chat.yes_to_first_sign()  # a controlling adult's sign
            text = "\n".join(r.text for r in chat.last)
        else:
            text = chat.say(policy(pending))
        if "Act now" in text:
            break
    # With a controlling adult as well, the risk is immediate: the advice again.
    assert "may go missing soon" in text
    assert chat.case.advised
    assert chat.case.pending.startswith("evidence:")  # and then carries on


def test_urgent_mid_way_gives_advice_and_re_asks_the_same_question(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.say("inform", choice="role.police")
    text = chat.urgent()
    assert "Act now" in text and "carry on where we were" in text
    assert chat.case.pending == "nation"
    assert "call the police on 999" not in text  # police get the police wording
    # "urgent" answers the opening question yes, in its place, so the draft shows it
    assert chat.case.answers[URGENT]["value"] == "yes" and chat.case.history[0] == URGENT


def test_urgent_as_the_first_message(kb: Knowledge) -> None:
    turn = talk.urgent(kb, Case(), NOW)
    text = "\n".join(r.text for r in turn.replies)
    assert "not an emergency service" in text and "999" in text
    assert turn.case.answers[URGENT]["value"] == "yes"


def test_back_changes_the_last_answer(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.say("inform", choice="role.health")
    chat.back()
    assert chat.case.pending == "role" and chat.case.role is None
    chat.say("inform", choice="role.teacher")
    assert chat.case.role == "teacher"


def test_why_explains_with_sources(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    text = chat.why()
    assert "Sources:" in text
    assert chat.case.pending == "screen:going_missing"  # and asks again


def test_check_answers_change_one_then_summary(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context(role="health", nation="scotland", setting="health")
    chat.answer_all(lambda qid: "deny")
    assert chat.case.pending == "check"
    listing = chat.last[0].text
    assert "1. Is the child in immediate danger" in listing and "Your role: Health" in listing
    chat.say("deny")  # change an answer
    chat.say("inform", "99")
    assert "number from 1 to" in chat.last[0].text
    number = [line for line in listing.splitlines() if "Has the child ever gone missing" in line]
    chat.say("inform", number[0].split(".")[0])
    assert chat.case.pending == "screen:going_missing"
    chat.say("unsure")  # opens the category: its questions follow, then the check
    chat.answer_all(lambda qid: "deny")
    chat.say("affirm")  # answers are right
    assessment = chat.last[0].text
    assert "Going-missing risk" in assessment and "Trafficking concern" in assessment
    assert chat.case.pending == "share_with"
    chat.say("inform", choice="share_with.all")
    chat.say("affirm")  # child told
    chat.say("deny")  # carer not told
    assert chat.case.pending == "why_not"
    chat.say("inform", "Her aunt may be the one moving her")
    summary = "\n".join(r.text for r in chat.last)
    assert "DRAFT" in summary and "Her aunt may be the one moving her" in summary
    assert "social work services" in summary  # the Scottish referral route
    assert "NSPCC Helpline" in summary and "CEOP" in summary and "ECPAT UK" in summary
    assert "not sent it anywhere" in summary
    assert chat.case.pending == "done"


def test_stop_and_redirect(kb: Knowledge) -> None:
    chat = Chat(kb)
    text = chat._take(talk.redirect(kb, chat.case, NOW))
    assert "only help with" in text and chat.case.pending == URGENT
    text = chat._take(talk.stop(kb, chat.case))
    assert "999" in text and "0808 800 5000" in text


@pytest.mark.parametrize("words", ["continue", "Continue please", "parhau", "carry on", "go on"])
def test_words_read_as_stop_without_a_stop_word_carry_on(kb: Knowledge, words: str) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    before = chat.case.pending
    text = chat._take(talk.stop(kb, chat.case, Event("stop", words), NOW))
    assert chat.case.pending == before != talk.ENDED
    assert "type 'stop'" in text and "stopped here" not in text


@pytest.mark.parametrize(
    "words", ["stop", "STOP!", "/stop", "I want to stop", "I don't want to continue", "stopio"]
)
def test_a_stop_word_or_the_button_stops(kb: Knowledge, words: str) -> None:
    chat = Chat(kb)
    chat.say("deny")
    text = chat._take(talk.stop(kb, chat.case, Event("stop", words), NOW))
    assert chat.case.pending == talk.ENDED and "stopped here" in text


def test_words_read_as_stop_at_a_question_that_takes_words_are_the_answer(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    assert chat.case.pending in talk.CONTEXT_QUESTIONS
    first = chat.case.pending
    chat._take(talk.stop(kb, chat.case, Event("stop", "continue"), NOW))
    assert chat.case.pending != talk.ENDED
    assert chat.case.pending == first  # "continue" is no role: the same question again


def test_out_of_scope_words_are_not_taken_as_answers(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    text = chat.say("out_of_scope", "what's the weather")
    assert "only help with" in text
    assert chat.case.pending == "screen:going_missing"
    assert "screen:going_missing" not in chat.case.answers


def test_low_and_high_concern_conversations(kb: Knowledge) -> None:
    low = Chat(kb)
    low.say("deny")
    low.context()
    asked_low = low.answer_all(lambda qid: "deny")
    # Issue 18: the screens of the categories in play and "anything else?", nothing
    # more: at most six questions with the opening one.
    in_play = categories_in_play(kb, low.case.context(), {})
    assert asked_low == len(in_play) + 1 <= 5

    high = Chat(kb)
    high.say("deny")
    high.context()
    wanted = {
        "screen:going_missing",
        "missing_episodes",
        "screen:control",
        "adult_collects_child",
        "screen:documents",
        "docs_held_by_other",
        "screen:work",
        "earnings_taken_or_quota",
        "more",
    }
    asked_high = high.answer_all(lambda qid: "affirm" if qid in wanted else "deny")
    assert asked_high > asked_low
    high.say("affirm")
    assert "Immediate" in high.last[0].text
    for reply in low.log + high.log:
        assert "not at risk" not in reply.text.lower()


def test_language_switch_keeps_the_case(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat._take(talk.switch_language(kb, chat.case, NOW))
    assert chat.case.language == "cy" and chat.case.pending == "role"
    chat._take(talk.switch_language(kb, chat.case, NOW))
    assert chat.case.language == "en_GB"


def test_case_round_trips_and_ignores_forgery(kb: Knowledge) -> None:
    case = Case(
        pending="nation",
        role="police",
        age=14,
        raised_at="2026-11-23T09:30",
        answers={"urgent": {"value": "no", "how": None, "when": None, "note": None}},
        history=["urgent", "role"],
        sharing={"share_with": ["The police"], "child_told": False, "why_not": "risk"},
        confirming_no=True,
    )
    assert Case.from_dict(case.to_dict(), kb) == case
    forged = Case.from_dict({"answers": {"urgent": {"value": "definitely"}}, "pending": ["x"]})
    assert forged.answers == {} and forged.pending is None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("role", "admin"),
        ("nation", "france"),
        ("setting", 3),
        ("age", True),
        ("age", 140),
        ("raised_at", "yesterday"),
        ("pending", "evidence:no_such_indicator"),
        ("pending", "screen:no_such_category"),
        ("pending", "summary_sent"),
        ("language", "fr"),
        ("confirming_no", "yes"),
    ],
)
def test_forged_or_stale_case_values_are_dropped(kb: Knowledge, key: str, value: object) -> None:
    case = Case.from_dict({key: value}, kb)
    assert case == Case()


def test_forged_answers_and_sharing_are_dropped(kb: Knowledge) -> None:
    case = Case.from_dict(
        {
            "answers": {
                "no_such_indicator": {"value": "yes"},
                "screen:going_missing": {"value": "yes", "how": "telepathy", "note": 7},
            },
            "history": ["no_such_indicator", "screen:going_missing", "screen:going_missing"],
            "sharing": {"child_told": "yes", "share_with": "everyone", 3: 4},
        },
        kb,
    )
    assert list(case.answers) == ["screen:going_missing"]
    assert case.answers["screen:going_missing"]["how"] is None
    assert case.answers["screen:going_missing"]["note"] is None
    assert case.history == ["screen:going_missing"] and case.sharing == {}


def test_a_bare_command_is_not_kept_as_a_note(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    chat.say("affirm")
    first = chat.yes_to_first_sign()
    for typed in ("urgent", "/urgent", "help now"):
        chat.case.pending = f"evidence:{first}"
        chat._take(talk.urgent(kb, chat.case, NOW, Event("urgent", typed)))
        assert chat.case.answers[first]["note"] is None
        assert chat.case.pending == f"evidence:{first}"  # still waiting for the note


def test_a_number_to_change_is_not_taken_as_an_age(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    chat.answer_all(lambda qid: "deny")
    chat.say("deny")  # change an answer
    assert chat.case.pending == "change"
    chat._take(talk.handle(kb, chat.case, Event("inform", "3", age=3), NOW))
    assert chat.case.age is None


def test_a_screen_changed_to_no_takes_its_answers_with_it(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    chat.say("affirm")  # going-missing screen
    first = chat.case.pending
    chat.say("unsure")
    assert first in chat.case.answers
    chat.answer_all(lambda qid: "deny")
    listing = chat.last[0].text
    chat.say("deny")  # change an answer
    number = next(ln.split(".")[0] for ln in listing.splitlines() if "ever gone missing" in ln)
    chat.say("inform", number)
    assert chat.case.pending == "screen:going_missing"
    chat.say("deny")
    assert first not in chat.case.answers and first not in chat.case.history
    assert chat.case.pending == "check"


def test_resumed_case_speaks_its_own_language(kb: Knowledge) -> None:
    paused = Case(pending="role", language="cy")
    turn = talk.resumed(kb, paused, Case(pending="urgent"))
    assert turn.case.language == "cy"
    assert "Welcome back" not in turn.replies[0].text


def test_urgent_words_typed_as_a_note_give_advice_and_keep_the_note(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    chat.say("affirm")
    first = chat.yes_to_first_sign()
    assert chat.case.pending.startswith("evidence:")
    words = "she said a man is coming to get her tonight"
    text = chat._take(talk.urgent(kb, chat.case, NOW, Event("urgent", words)))
    assert "Act now" in text
    assert chat.case.answers[first]["note"] == words
    assert not chat.case.pending.startswith("evidence:")


def test_choices_match_whole_labels_and_welsh_without_accents() -> None:
    from bot import choices
    from bot.i18n import use

    assert choices.match("evidence", "Someone else told me").value == "reported"
    assert choices.match("evidence", "the child told me").value == "disclosed"
    assert choices.match("role", "", "setting.health") is None  # another question's button
    assert choices.match("role", "", "role.health").value == "health"
    with use("cy"):
        label = choices._(choices.by_value("setting", "police_contact").label)
        assert "â" in label  # "Cyswllt â'r heddlu", typed without the accent:
        assert choices.match("setting", label.replace("â", "a").upper()).value == "police_contact"
        assert choices.match("evidence", "dywedodd rhywun arall wrthyf").value == "reported"


def test_a_typed_sentence_is_echoed_as_the_answer_it_was_read_as(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    text = chat.say("deny", "no, nothing like that")
    assert 'I took that as "No"' in text
    assert "I took that as" not in chat.say("deny", "no")  # a one-word answer needs no echo
    assert "I took that as" not in chat.say("deny", "/deny")  # nor does a button
    text = chat.say("unsure", "I have no way of knowing")
    assert 'I took that as "Not sure"' in text


def test_a_sentence_read_as_no_to_the_urgent_question_is_confirmed_first(kb: Knowledge) -> None:
    # "she's not safe right now" misread as "no" must not pass without a check.
    chat = Chat(kb)
    text = chat.say("deny", "she's not safe right now")
    assert 'I read that as "No"' in text and "immediate danger" in text
    assert chat.buttons()[:3] == ["/affirm", "/deny", "/unsure"]
    assert URGENT not in chat.case.answers and chat.case.pending == URGENT
    assert chat.case.confirming_no
    text = chat.say("affirm", "/affirm")
    assert text.startswith("Act now")
    assert chat.case.answers[URGENT]["value"] == "yes" and not chat.case.confirming_no


def test_a_confirmed_no_to_the_urgent_question_goes_on_to_the_context(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny", "no, not at the moment")
    text = chat.say("deny", "/deny")
    assert "What is your role?" in text and "Act now" not in text
    assert chat.case.answers[URGENT]["value"] == "no" and not chat.case.confirming_no


def test_the_urgent_question_is_confirmed_once_only(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny", "no, he's in lessons with me")
    text = chat.say("deny", "no he really is fine right now")
    assert 'I took that as "No"' in text and "What is your role?" in text
    assert chat.case.answers[URGENT]["value"] == "no"


@pytest.mark.parametrize("text", ["/deny", "no", "Nope", "not that I know of", "nac oes"])
def test_a_button_or_listed_answer_word_needs_no_confirming(kb: Knowledge, text: str) -> None:
    chat = Chat(kb)
    assert "What is your role?" in chat.say("deny", text)
    assert chat.case.answers[URGENT]["value"] == "no"


def test_urgent_while_confirming_gives_the_advice_and_ends_the_check(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny", "she's not safe here")
    assert chat.case.confirming_no
    text = chat.urgent()
    assert "Act now" in text and chat.case.answers[URGENT]["value"] == "yes"
    assert not chat.case.confirming_no


def test_a_typed_yes_to_the_urgent_question_gets_the_advice_first(kb: Knowledge) -> None:
    chat = Chat(kb)
    text = chat.say("affirm", "yes she is")
    assert text.startswith("Act now") and "I took that as" not in text


def test_identifiers_in_notes_are_removed_and_the_user_is_told_once(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    chat.say("affirm")  # going-missing screen
    first = chat.yes_to_first_sign()
    text = chat.say("inform", "her uncle rang from 07700 900123 to collect her")
    assert "removed details that could identify someone" in text
    note = chat.case.answers[first]["note"]
    assert "07700" not in note and "[phone]" in note
    assert chat.case.told_redaction
    second = chat.yes_to_first_sign()  # the next going-missing sign
    assert chat.case.pending == f"evidence:{second}"
    text = chat.say("inform", "a man emailed her at someone@example.com")
    assert "removed details" not in text  # told once is enough
    assert "[email]" in chat.case.answers[second]["note"]


def _at_the_note(kb: Knowledge) -> tuple[Chat, str]:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    chat.say("affirm")
    first = chat.yes_to_first_sign()
    assert chat.case.pending == f"evidence:{first}"
    return chat, first


def test_a_number_in_a_note_is_not_taken_as_an_age(kb: Knowledge) -> None:
    chat, first = _at_the_note(kb)
    chat._take(talk.handle(kb, chat.case, Event("inform", "I saw it: he had 3 phones", age=3), NOW))
    assert chat.case.age is None
    assert chat.case.answers[first]["note"] == "I saw it: he had 3 phones"


@pytest.mark.parametrize("intent", ["deny", "skip", "affirm"])
def test_a_sentence_read_as_no_or_skip_is_still_kept_as_the_note(
    kb: Knowledge, intent: str
) -> None:
    chat, first = _at_the_note(kb)
    chat.say(intent, "No one else has noticed it, but I did")
    assert chat.case.answers[first]["note"] == "No one else has noticed it, but I did"
    chat, first = _at_the_note(kb)
    chat.say(intent, "no")  # a short reply adds nothing
    assert chat.case.answers[first]["note"] is None
    assert not chat.case.pending.startswith("evidence:")


# --- issue 18: "not sure" is an unknown, not a concern ----------------------------------


def finish_sharing(chat: Chat) -> str:
    """From the check to the draft: answers right, share with all, both told."""
    chat.say("affirm")
    chat.say("inform", choice="share_with.all")
    chat.say("affirm")
    chat.say("affirm")
    return "\n".join(r.text for r in chat.last)


def test_not_sure_answers_never_bring_act_now_and_end_at_the_lowest_level(
    kb: Knowledge,
) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    chat.answer_all(lambda qid: "unsure")
    everything = "\n".join(r.text for r in chat.log)
    assert "Act now" not in everything
    assert not chat.case.advised
    chat.say("affirm")  # the check: answers right
    assessment = chat.last[0].text
    assert "Going-missing risk: Low" in assessment
    assert "Few indicators so far" in assessment
    assert "tell your safeguarding lead" in assessment
    chat.say("inform", choice="share_with.all")
    chat.say("affirm")
    chat.say("affirm")
    draft = chat.last[0].text
    gaps = draft.split("Not known yet", 1)[1]
    screen = kb.categories["going_missing"].screening.question
    assert f"- Not known: {screen}" in gaps
    unsure = [q for q, a in chat.case.answers.items() if a["value"] == "not_sure"]
    assert len(unsure) >= 4 and gaps.count("- Not known: ") >= len(unsure)
    assert "(counted as a concern)" not in draft


def test_not_sure_to_a_going_missing_sign_is_not_an_interrupt(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    chat.say("affirm")  # the going-missing screen: "which of these is it?"
    assert chat.case.pending == "pick:going_missing"
    text = chat.say("unsure")  # not sure which: an unknown
    assert "Act now" not in text and "could go missing" not in text
    flagged = talk.pick_options(kb, chat.case.context(), {}, "going_missing")[0].id
    assert kb.indicators[flagged].going_missing
    chat.case.pending = flagged  # the sign's own question (asked when one is left)
    text = chat.say("unsure")
    assert "Act now" not in text and "could go missing" not in text
    chat.case.pending = flagged  # the same sign, answered yes: the advice comes at once
    assert "Act now" in chat.say("affirm")


def test_not_sure_to_the_opening_question_still_gives_the_advice(kb: Knowledge) -> None:
    chat = Chat(kb)
    assert "Act now" in chat.say("unsure")


def test_the_draft_says_no_when_they_said_no_to_immediate_danger(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    chat.answer_all(lambda qid: "deny")
    draft = finish_sharing(chat)
    assert "Immediate danger or may go missing soon: no" in draft
    assert "not said" not in draft


# --- issue 18: the draft whenever they ask -------------------------------------------


def ask_draft(chat: Chat, text: str = "draft", intent: str = "request_draft") -> str:
    return chat._take(talk.draft(chat.kb, chat.case, Event(intent, text), NOW))


def test_draft_mid_way_gives_the_draft_so_far_then_the_same_question(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    chat.say("affirm")  # the going-missing screen opens its questions
    chat.say("unsure")
    open_question = chat.case.pending
    answers = {q: dict(a) for q, a in chat.case.answers.items()}
    text = ask_draft(chat)
    kinds = [r.kind for r in chat.last]
    assert kinds[:2] == ["assessment", "summary"] and kinds[-1] == "question"
    assert "DRAFT" in text and "Going-missing risk" in text
    assert "Immediate danger or may go missing soon: no" in text
    gaps = chat.last[1].text.split("Not known yet", 1)[1]
    # the questions still open that could change the assessment
    for qid in remaining_open(kb, chat):
        assert talk.question_for(kb, qid).text in gaps
    assert "nothing you have told me is lost" in text
    # the case stays open, at the same question, with every answer kept
    assert chat.case.pending == open_question
    assert chat.case.answers == answers
    assert talk.question_for(kb, open_question).text in chat.last[-1].text


def remaining_open(kb: Knowledge, chat: Chat) -> list[str]:
    from bot.triage.questions import open_questions

    ids = open_questions(kb, chat.case.context(), chat.case.engine_answers())
    assert ids, "the test needs questions still open"
    return ids


def test_the_draft_lists_each_not_sure_as_a_gap(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    chat.say("affirm")
    chat.say("unsure")  # not sure which of the going-missing signs it is
    unsure = talk.pick_options(kb, chat.case.context(), {}, "control")[0].id
    chat.case.pending = unsure  # a sign's own question, answered not sure
    chat.say("unsure")
    ask_draft(chat, "summary")
    gaps = chat.last[1].text.split("Not known yet", 1)[1]
    assert '- Not known: which sign of "Going missing" it is' in gaps
    assert "- Not known: " + kb.indicators[unsure].question in gaps


@pytest.mark.parametrize(
    ("intent", "text"),
    [
        ("request_draft", "draft"),
        ("request_draft", "can I get what I've told you so far"),
        ("request_draft", "I have to go"),
        ("request_draft", "/request_draft"),
        # the model may read these as stop: they still give the draft, never the end
        ("stop", "finish"),
        ("stop", "I'm done, can I have the summary"),
    ],
)
def test_every_way_of_asking_gives_the_draft_and_keeps_the_case_open(
    kb: Knowledge, intent: str, text: str
) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    before = chat.case.pending
    turn = (
        talk.stop(kb, chat.case, Event(intent, text), NOW)
        if intent == "stop"
        else talk.draft(kb, chat.case, Event(intent, text), NOW)
    )
    said = chat._take(turn)
    assert any(r.kind == "summary" for r in chat.last), said
    assert "stopped here" not in said
    assert chat.case.pending == before


def test_stop_still_ends_the_conversation(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    said = chat._take(talk.stop(kb, chat.case, Event("stop", "stop"), NOW))
    assert "stopped here" in said and chat.case.pending == "ended"
    from bot.nlp.command_cues import says_stop

    assert not says_stop("finish") and not says_stop("finished")


def test_draft_now_is_offered_on_questions_once_the_context_is_known(kb: Knowledge) -> None:
    chat = Chat(kb)
    assert "/request_draft" not in chat.buttons()  # the opening question
    chat.say("deny")
    chat.say("inform", choice="role.teacher")
    assert "/request_draft" not in chat.buttons()
    chat.say("inform", choice="nation.england")
    chat.say("inform", choice="setting.school")
    assert chat.buttons()[-1] == "/request_draft"
    assert "Draft now" in [c.title for r in chat.last for c in r.choices]
    chat.say("affirm")
    assert "/request_draft" in chat.buttons()  # "which of these is it?" too
    chat.yes_to_first_sign()  # a yes to an indicator: "How do you know?"
    assert chat.case.pending.startswith("evidence:")
    assert "/request_draft" in chat.buttons()


def test_a_note_misread_as_a_draft_request_is_kept_as_the_note(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    chat.say("affirm")
    chat.yes_to_first_sign()
    qid = chat.case.pending.removeprefix("evidence:")
    ask_draft(chat, "she said she has to leave at nine every night")
    assert chat.case.answers[qid]["note"] == "she said she has to leave at nine every night"
    assert not any(r.kind == "summary" for r in chat.last)


def test_draft_at_a_question_that_takes_words_gives_the_draft_with_a_draft_word(
    kb: Knowledge,
) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    chat.say("affirm")
    chat.yes_to_first_sign()
    pending = chat.case.pending
    ask_draft(chat, "can I get the draft now please")
    assert any(r.kind == "summary" for r in chat.last)
    assert chat.case.pending == pending


def test_draft_before_the_context_and_after_the_end(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny")
    ask_draft(chat)
    assert any(r.kind == "summary" for r in chat.last)
    assert chat.case.pending == "role"
    chat.context()
    chat.answer_all(lambda qid: "deny")
    finish_sharing(chat)
    assert chat.case.pending == "done"
    said = ask_draft(chat)
    assert "DRAFT" in said and chat.case.pending == "done"
    assert "Not known yet" not in said  # every question was answered


# --- issue 18: the short immediate-action block in the conversation ------------------


def test_the_advice_is_at_most_five_steps_then_the_helpline(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("affirm")  # immediate danger: the advice before any context
    advice = next(r.text for r in chat.last if r.kind == "advice")
    steps = [line for line in advice.splitlines() if line[:2] in {f"{n}." for n in range(10)}]
    assert 3 <= len(steps) <= 5
    assert steps[0].startswith("1. If the child is in immediate danger, call the police on 999")
    assert advice.splitlines()[-1].startswith("For advice at any stage: NSPCC Helpline")


def test_the_mid_way_advice_brings_the_step_for_the_kind_of_exploitation(
    kb: Knowledge,
) -> None:
    chat = Chat(kb)
    chat.say("deny")
    chat.context(role="health", nation="wales", setting="health")
    chat.case.answers["forced_marriage_risk"] = {
        "value": "yes",
        "how": None,
        "when": None,
        "note": None,
    }
    said = chat.urgent()
    fm = next(a for a in kb.immediate_actions if a.id == "forced_marriage_now")
    assert fm.text in said
    assert "designated safeguarding person" in said  # the Welsh lead for health staff
    advice = next(r.text for r in chat.last if r.kind == "advice")
    assert (
        sum(1 for line in advice.splitlines() if line[:2] in {"1.", "2.", "3.", "4.", "5.", "6."})
        <= 5
    )


def test_check_your_answers_comes_as_rows_with_a_change_button_each(kb: Knowledge) -> None:
    # Issue 23 / 18: the check as data (a summary list in the widget), and "Change"
    # beside one answer asks that question again at once.
    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    chat.answer_all(lambda qid: "deny")
    check = next(r for r in chat.last if r.kind == "check")
    assert [r.question for r in check.rows] == chat.case.history
    nation = next(r for r in check.rows if r.question == "nation")
    assert (nation.answer, nation.value) == ("England", "england")
    data = check.as_rasa_message()["gh_rows"]
    assert data[0]["change"] == '/inform{"choice": "change.a"}'
    chat.say("inform", choice=nation.change.split('"')[3])
    assert chat.case.pending == "nation"
    chat.say("inform", choice="nation.wales")
    assert chat.case.nation == "wales"
    # A row that does not exist, or a change pressed later, changes nothing.
    chat.answer_all(lambda qid: "deny")
    chat.say("inform", choice="change.zz")
    assert chat.case.pending == "check"


def test_rest_custom_gives_the_check_rows_as_ids_and_values(kb: Knowledge) -> None:
    import asyncio

    from bot.channels.common.collect import CustomCollector

    chat = Chat(kb)
    chat.say("deny")
    chat.context()
    chat.answer_all(lambda qid: "deny")
    collector = CustomCollector()

    async def send() -> None:
        for reply in chat.last:
            await collector.send_response("someone", reply.as_rasa_message())

    asyncio.run(send())
    check = next(m["custom"] for m in collector.messages if m["custom"]["kind"] == "check")
    assert check["rows"][0] == {"question": "urgent", "value": "no"}
    assert {"question": "role", "value": "teacher"} in check["rows"]
    assert all(set(row) == {"question", "value"} for row in check["rows"])  # no words


@pytest.mark.parametrize(
    "words",
    [
        "thanks, can you pull that together into a note for me",
        "gtg sorry, send me what you have",
        "cheers, can I get a copy to give our coordinator",
    ],
)
@pytest.mark.parametrize("intent", ["nlu_fallback", "out_of_scope", "inform"])
def test_words_asking_for_the_draft_get_it_whatever_the_model_read(
    kb: Knowledge, words: str, intent: str
) -> None:
    """Issue 18: "the draft whenever they need it", in their words: a message the
    model read as no answer but holding a reviewed draft cue gives the draft, and
    the same question follows; nothing is recorded for it."""
    chat = Chat(kb)
    chat.say("deny", "no")
    chat.context()
    pending, answers = chat.case.pending, dict(chat.case.answers)
    chat._take(talk.handle(kb, chat.case, Event(intent, words), NOW))
    assert any(r.kind == "summary" for r in chat.last)
    assert chat.case.pending == pending and chat.case.answers == answers
    # The redirect action (words the model could not place) does the same.
    chat._take(talk.redirect(kb, chat.case, NOW, Event(intent, words)))
    assert any(r.kind == "summary" for r in chat.last)


@pytest.mark.parametrize(
    "words",
    [
        "she showed me a copy of that letter from the Home Office",
        "he said he would get a copy of his passport",
        "I don't know what you have in mind",
    ],
)
def test_a_sentence_about_copies_or_what_you_have_is_no_draft_request(
    kb: Knowledge, words: str
) -> None:
    chat = Chat(kb)
    chat.say("deny", "no")
    chat.context()
    chat._take(talk.handle(kb, chat.case, Event("nlu_fallback", words), NOW))
    assert not any(r.kind == "summary" for r in chat.last)


def test_an_answer_the_model_read_is_kept_even_beside_a_draft_cue(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny", "no")
    chat.context()
    qid = chat.case.pending
    chat.say("affirm", "yes, she told me she will have to go to his flat again")
    assert chat.case.answers[qid]["value"] == "yes"
    assert not any(r.kind == "summary" for r in chat.last)


def test_the_opening_question_is_never_turned_into_a_draft(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("nlu_fallback", "I have to go, what you have")
    assert chat.case.pending == URGENT
    assert not any(r.kind == "summary" for r in chat.last)


@pytest.mark.parametrize(
    "words",
    [
        "can you write this up for me",
        "Ive another visit at 2, please put this together so I can upload it",
        "need to go in 10 mins, give me whatever youve got",
    ],
)
def test_a_request_for_the_write_up_is_heard_at_any_question(kb: Knowledge, words: str) -> None:
    """Phrases that can only ask for the write-up give the draft even at the opening
    danger question and where the open question takes the user's own words
    ("anything else?"); the question follows and nothing is recorded for it."""
    chat = Chat(kb)
    chat._take(talk.handle(kb, chat.case, Event("nlu_fallback", words), NOW))
    assert any(r.kind == "summary" for r in chat.last)
    assert chat.case.pending == URGENT and URGENT not in chat.case.answers

    chat.say("deny", "no")
    chat.context()
    chat.until_age()
    chat.say("inform", choice="age.unknown")
    assert chat.case.pending == "more"
    answers = dict(chat.case.answers)
    chat._take(talk.handle(kb, chat.case, Event("inform", words), NOW))
    assert any(r.kind == "summary" for r in chat.last)
    assert chat.case.pending == "more" and chat.case.answers == answers


@pytest.mark.parametrize(
    "words", ["he has to go back to them tonight", "she finished her shift at nine"]
)
def test_a_loose_cue_in_words_about_the_child_is_no_draft_request(
    kb: Knowledge, words: str
) -> None:
    chat = Chat(kb)
    chat._take(talk.handle(kb, chat.case, Event("nlu_fallback", words), NOW))
    assert not any(r.kind == "summary" for r in chat.last)


def test_urgent_words_that_ask_for_the_write_up_get_the_advice_then_the_draft(
    kb: Knowledge,
) -> None:
    chat = Chat(kb)
    chat.say("deny", "no")
    chat.context()
    pending = chat.case.pending
    words = "handing him to the custody sergeant in 10 mins, give me whatever you've got now"
    chat._take(talk.urgent(kb, chat.case, NOW, Event("urgent", words)))
    kinds = [r.kind for r in chat.last]
    assert "advice" in kinds and "summary" in kinds
    assert kinds.index("advice") < kinds.index("summary")
    assert chat.case.pending == pending  # the same question follows the draft


def _write_up_requests() -> list[str]:
    import yaml

    from bot.nlp.command_cues import HERE

    return yaml.safe_load((HERE / "draft_cues.yml").read_text(encoding="utf-8"))["requests"]


@pytest.mark.parametrize("phrase", _write_up_requests())
def test_every_write_up_request_is_answered_without_a_loop_wherever_it_comes(
    kb: Knowledge, phrase: str
) -> None:
    """Each listed request, by whatever the model read it as, at "anything else?"
    gives the draft; at a question that keeps the words (the role, "How do you
    know?") the words are the answer. Never an endless handle/draft loop."""
    chat = Chat(kb)
    chat.say("deny", "no")
    assert chat.case.pending == "role"
    for play in (
        lambda c: talk.handle(kb, c, Event("nlu_fallback", phrase), NOW),
        lambda c: talk.draft(kb, c, Event("request_draft", phrase), NOW),
    ):
        turn = play(chat.case)
        assert turn.replies
    chat.context()
    chat.until_age()
    chat.say("inform", choice="age.unknown")
    assert chat.case.pending == "more"
    chat._take(talk.handle(kb, chat.case, Event("inform", phrase), NOW))
    assert any(r.kind == "summary" for r in chat.last)


def test_a_note_that_ends_with_a_request_is_kept_as_the_note(kb: Knowledge) -> None:
    chat = Chat(kb)
    chat.say("deny", "no")
    chat.context()
    for _turn in range(40):
        if (chat.case.pending or "").startswith("evidence:"):
            break
        chat.yes_to_first_sign()
    sign = chat.case.pending.removeprefix("evidence:")
    note = "I saw a man in a black car collect her at the gate on Tuesday. Please write this up"
    chat._take(talk.handle(kb, chat.case, Event("nlu_fallback", note), NOW))
    assert chat.case.answers[sign]["note"], "the note is kept"
    assert not any(r.kind == "summary" for r in chat.last)
    # A request that says nothing about anyone is the request, even there.
    for _turn in range(5):
        chat.yes_to_first_sign()
        if (chat.case.pending or "").startswith("evidence:"):
            break
    assert (chat.case.pending or "").startswith("evidence:"), chat.case.pending
    pending = chat.case.pending
    ask = "cheers, can I get a copy to give our coordinator"
    chat._take(talk.handle(kb, chat.case, Event("nlu_fallback", ask), NOW))
    assert any(r.kind == "summary" for r in chat.last)
    assert chat.case.pending == pending


def _pause_examples() -> list[str]:
    import yaml

    from bot.nlp.command_cues import HERE

    nlu = yaml.safe_load((HERE.parent.parent / "data" / "nlu" / "resume.yml").read_text("utf-8"))
    (pause,) = [item for item in nlu["nlu"] if item.get("intent") == "pause"]
    return [line.removeprefix("- ").strip() for line in pause["examples"].splitlines() if line]


@pytest.mark.parametrize(
    "words",
    [
        *_pause_examples(),
        "need to go - save my progress",
        "Have to go, will finish this tomorrow",
        "Rhaid i mi fynd, oedi os gwelwch yn dda",
        "Rhaid i mi fynd, dof yn ôl wedyn",
    ],
)
def test_every_way_of_pausing_stays_a_pause(words: str) -> None:
    """Words of carrying on later or keeping the place are a pause (a resume code),
    never the draft instead, in English and in Welsh."""
    assert not talk.leaving_asks_for_draft(Event("pause", words))


@pytest.mark.parametrize(
    "words", ["I have to go", "got to get back to class - please finish it off and show me"]
)
def test_leaving_without_a_word_of_later_asks_for_the_draft(words: str) -> None:
    assert talk.leaving_asks_for_draft(Event("pause", words))


# --- "which of these is it?" after a screen's yes (issue 18) ---------------------------


def at_control_list(kb: Knowledge) -> Chat:
    chat = Chat(kb)
    chat.say("deny", "no")
    chat.context()
    for _turn in range(5):  # "no" to the screens before control's
        if chat.case.pending == "screen:control":
            break
        chat.say("deny", "no")
    assert chat.case.pending == "screen:control"
    chat.say("affirm", "yes")
    assert chat.case.pending == "pick:control"
    return chat


def test_a_screen_yes_lists_its_signs_as_buttons_in_asking_order(kb: Knowledge) -> None:
    chat = at_control_list(kb)
    question = chat.last[-1]
    assert "Which of these is it?" in question.text and question.question == "pick:control"
    listed = [c.payload for c in question.choices if '"pick.' in c.payload]
    expected = [
        i.id
        for i in talk.pick_options(kb, chat.case.context(), chat.case.engine_answers(), "control")
    ]
    assert listed == [f'/inform{{"choice": "pick.{i}"}}' for i in expected]
    assert [c.title for c in question.choices][: len(expected)] == [
        kb.indicators[i].label for i in expected
    ]
    assert {"/deny", "/unsure"} <= set(chat.buttons())


def test_a_sign_chosen_by_button_is_a_yes_and_asks_how_they_know(kb: Knowledge) -> None:
    chat = at_control_list(kb)
    before = chat.case.asked()
    chat.say("inform", choice="pick.adult_collects_child")
    assert chat.case.answers["adult_collects_child"]["value"] == "yes"
    assert chat.case.pending == "evidence:adult_collects_child"
    assert "pick:control" not in chat.case.answers
    assert chat.case.asked() == before + 1  # the list counts once, as the sign chosen


@pytest.mark.parametrize(
    ("words", "numbers"),
    [
        ("2", [2]),
        ("1 and 4", [1, 4]),
        ("3, 5", [3, 5]),
        ("the second one", [2]),
        ("number 4", [4]),
        ("2 and 4 i think", [2, 4]),
        ("1st and 3rd", [1, 3]),
        ("1-3", [1, 2, 3]),
        ("1 and 2 please", [1, 2]),
        ("rhif 2", [2]),
        ("yr ail un", [2]),
        ("1 a 4", [1, 4]),
        ("she is 2", []),
        ("15 year old", []),
        ("none of these", []),
    ],
)
def test_numbers_chosen_from_a_list_are_read_only_when_nothing_else_is_said(
    words: str, numbers: list[int]
) -> None:
    assert talk.listed_numbers(words) == numbers


def test_typed_numbers_choose_every_sign_they_name(kb: Knowledge) -> None:
    chat = at_control_list(kb)
    options = [
        i.id
        for i in talk.pick_options(kb, chat.case.context(), chat.case.engine_answers(), "control")
    ]
    chat.say("inform", "2 and 4")
    assert {q for q, a in chat.case.answers.items() if a["value"] == "yes"} >= {
        options[1],
        options[3],
    }
    assert chat.case.pending == f"evidence:{options[1]}"
    assert chat.case.age is None  # "2 and 4" are not ages
    chat = at_control_list(kb)
    turn = talk.listened(
        kb,
        chat.case,
        Event("inform", "3", age=3),
        NOW,
        lambda c: talk.handle(kb, c, Event("inform", "3", age=3), NOW),
    )
    chat._take(turn)
    assert chat.case.age is None and chat.case.answers[options[2]]["value"] == "yes"
    chat = at_control_list(kb)
    out = chat.say("inform", "99")  # not on the list: asked again, nothing recorded
    assert "did not understand" in out and chat.case.pending == "pick:control"


@pytest.mark.parametrize(
    ("intent", "words", "value"),
    [
        ("nlu_fallback", "none of these", "no"),
        ("deny", "no", "no"),
        ("unsure", "not sure", "not_sure"),
        # Found by a review: words were matched against the labels before "none",
        # so this chose a sign and gave the 999 advice.
        ("deny", "none of them, they will be fine", "no"),
        ("deny", "no, none of these - the adult with the children is their dad", "no"),
        ("unsure", "not sure, they seem close to someone", "not_sure"),
    ],
)
def test_none_of_these_or_not_sure_leaves_the_signs_unknown_and_moves_on(
    kb: Knowledge, intent: str, words: str, value: str
) -> None:
    chat = at_control_list(kb)
    text = chat.say(intent, words)
    assert chat.case.answers["pick:control"]["value"] == value
    assert chat.case.pending != "pick:control"
    assert not (chat.case.pending or "").startswith("evidence:")
    control = {i.id for i in kb.in_category("control")}
    assert not control & set(chat.case.answers)
    assert "Act now" not in text


def test_a_list_answered_not_sure_is_a_gap_in_the_draft(kb: Knowledge) -> None:
    chat = at_control_list(kb)
    chat.say("unsure", "not sure")
    text = "\n".join(r.text for r in talk.draft(kb, chat.case, None, NOW).replies)
    title = kb.categories["control"].title
    assert f'Not known: which sign of "{title}" it is' in text


def test_several_signs_from_one_list_count_once_and_are_shown_back(kb: Knowledge) -> None:
    chat = at_control_list(kb)
    before = chat.case.asked()
    options = talk.pick_options(kb, chat.case.context(), chat.case.engine_answers(), "control")
    text = chat.say("inform", "2 and 4 i think")
    assert chat.case.asked() == before + 1  # one list, one question
    first, second = options[1], options[3]
    assert "I have noted:" in text and first.label in text and second.label in text
    assert chat.case.answers[first.id]["how"] is None  # "i think" is no suspicion here
    assert chat.case.pending == f"evidence:{first.id}"
    assert first.label in chat.last[-1].text  # "How do you know?" says which sign


def test_a_sign_told_in_words_undoes_none_of_these_for_its_category(kb: Knowledge) -> None:
    chat = at_control_list(kb)
    event = Event(
        "deny",
        "no, but an older man keeps calling her phone and her uncle answers every question for her",
    )
    chat._take(talk.listened(kb, chat.case, event, NOW, lambda c: talk.handle(kb, c, event, NOW)))
    control = {i.id for i in kb.in_category("control")}
    told = {q for q in control if chat.case.answers.get(q, {}).get("value") == "yes"}
    assert told, "the reader noted a sign of control"
    assert "pick:control" not in chat.case.answers
