"""The scripted professional of bench/conversations.py: it answers each question id in
typed words (never a payload), as conversations_dev.yml means, repeatably."""

from __future__ import annotations

import random

from bench.conversations import (
    HOW_WORDS,
    NO,
    NOT_SURE,
    YES,
    Played,
    Professional,
    Script,
    kind_of,
    last_question,
    load_scripts,
    question_group,
    runs_of,
    targets,
)

INDICATORS = {
    "missing_episodes": "going_missing",
    "adult_collects_child": "control",
    "docs_held_by_other": "documents",
    "no_documents": "documents",
}
SCRIPT = Script.from_dict(
    {
        "id": "t01",
        "first_message": "words",
        "role": "teacher",
        "nation": "wales",
        "setting": "school",
        "age": 15,
        "immediate_danger": "no",
        "facts": {"missing_episodes": "yes", "docs_held_by_other": "not_sure"},
        "how": {"missing_episodes": "reported"},
        "draft_request": {"after_answers": 2, "words": "draft"},
        "expected": {"low_concern": False, "present_danger": False},
    }
)


def professional(seed: int = 1) -> Professional:
    return Professional(SCRIPT, INDICATORS, random.Random(seed))


def test_every_answer_is_typed_words_never_a_payload() -> None:
    player = professional()
    for qid in ("urgent", "role", "nation", "setting", "age", "more", "check", "share_with",
                "screen:documents", "evidence:missing_episodes", *INDICATORS):  # fmt: skip
        said = player.answer(qid)
        assert said.known, qid
        assert said.text and not said.text.startswith("/"), qid


def test_a_screen_takes_the_strongest_answer_of_its_category() -> None:
    player = professional()
    assert player.answer("screen:going_missing").text in YES
    assert player.answer("screen:documents").text in NOT_SURE
    assert player.answer("screen:control").text in NO


def test_how_they_know_follows_the_script_and_defaults_to_seen() -> None:
    player = professional()
    assert player.answer("evidence:missing_episodes").text in HOW_WORDS["reported"]
    assert player.answer("evidence:adult_collects_child").text in HOW_WORDS["observed"]


def test_anything_else_is_yes_only_while_a_sign_is_untold() -> None:
    player = professional()
    assert player.answer("more").text == "yes"
    assert player.answer("more").text != "yes"  # nothing new asked since: no loop
    player.heard.add("missing_episodes")
    player.answer("docs_held_by_other")
    assert player.untold() == frozenset()
    assert player.answer("more").text != "yes"


def test_an_unknown_question_is_answered_no_and_flagged() -> None:
    said = professional().answer("favourite_colour")
    assert said.text == "no" and not said.known
    assert question_group("favourite_colour", INDICATORS) == "unknown"
    assert question_group("screen:documents", INDICATORS) == "engine"
    assert question_group("evidence:no_documents", INDICATORS) == "how"


def test_the_same_seed_gives_the_same_words() -> None:
    ids = ["urgent", "role", "nation", *INDICATORS, "setting", "age"]
    first = [professional(7).answer(q).text for q in ids]
    assert first == [professional(7).answer(q).text for q in ids]


def test_the_last_question_of_a_reply_is_answered_and_kinds_are_read() -> None:
    messages = [
        {"text": "Act now. These steps come first:\n1. ..."},
        {"text": "q1", "custom": {"kind": "question", "question": "urgent"}},
        {"text": "x\nDRAFT - not sent. Check and edit it"},
        {"text": "q2", "custom": {"kind": "question", "question": "role"}},
    ]
    assert last_question(messages) == "role"
    assert [kind_of(m) for m in messages] == ["advice", "question", "summary", "question"]
    assert last_question([{"text": "hello"}]) is None
    # one advice block split in two parts, then a second block: two blocks
    assert runs_of(["advice", "advice", "text", "advice", "question"], "advice") == 2


def test_targets_fail_a_low_concern_case_with_advice_and_a_missing_draft() -> None:
    ok = Played("a", low_concern=True, present_danger=False, engine_before_offer=4)
    ok.questions["engine"] = 5
    ok.going_missing, ok.concern = "low", "few"
    bad = Played("b", low_concern=True, present_danger=False, advice_blocks=1)
    bad.questions["engine"] = 5
    bad.draft_asked_turn, bad.draft_on_request = 3, False
    by_name = {t.name.split(":")[0]: t for t in targets([ok, bad])}
    assert by_name["median engine questions <= 8"].passed
    assert not by_name["max engine questions before the draft is offered <= 15"].passed
    assert not by_name["low concern"].passed
    assert not by_name["each draft request answered by a draft on that turn"].passed


def test_the_dev_set_loads_with_what_the_player_needs() -> None:
    scripts = load_scripts()
    assert len(scripts) >= 12
    assert all(s.draft_words and s.draft_after is not None for s in scripts)
