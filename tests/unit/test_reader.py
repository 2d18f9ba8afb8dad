"""The reader takes facts from professionals' own words (issue 18, "Listen").

Examples are written here for the reader's rules; they are not the development set
(tests/data/reader_dev.yml), which measures the reader and is never copied into it.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bot.knowledge import DATA_DIR, KnowledgeError, load_knowledge
from bot.knowledge.model import Knowledge
from bot.reader import IndicatorFact, Reading, read
from bot.reader.phrases import phrase_problem, to_matcher_pattern

TODAY = dt.date(2026, 12, 3)


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge(today=TODAY)


def facts(reading: Reading) -> dict[str, tuple[str, str | None]]:
    return {f.id: (f.value, f.how) for f in reading.indicators}


# --- role --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("I'm a teacher at a primary in Leeds", "teacher"),
        ("DSL here, worried about a year 10 girl", "teacher"),
        ("Hi, I am the designated safeguarding lead at an academy", "teacher"),
        ("im a year 9 form tutor and one of my students told me something", "teacher"),
        ("One of our pupils has been turning up exhausted", "teacher"),
        ("I'm a school nurse in Swansea", "health"),
        ("A&E nurse, 14yo brought in at 3am", "health"),
        ("As a health visitor I saw a baby and an older girl at the flat", "health"),
        ("my patient, 15, came in with her 'uncle'", "health"),
        ("Social worker here. LAC placement in Glasgow", "social_care"),
        ("I am her allocated social worker", "social_care"),
        ("I'm a residential worker at a children's home", "social_care"),
        ("She's on my caseload", "social_care"),
        ("PC in Manchester, stopped a lad with two phones", "police"),
        ("I'm a police officer with the PSNI", "police"),
        ("As a detective constable I interviewed him", "police"),
        ("I'm a youth worker at a drop-in", "other"),
        ("volunteer at a food bank, worried about a boy", "other"),
        ("I'm a housing officer", "other"),
        ("I'm a LAC nurse in Leeds", "health"),
        ("as the DSL I have to ask", "teacher"),
        ("I work in a pupil referral unit", "teacher"),
        ("I'm in CAMHS", "health"),
        ("I manage a children's home", "social_care"),
        ("I work for children's services", "social_care"),
        ("I'm an immigration officer at Heathrow", "other"),
        ("Detective sergeant, CSE team", "police"),
    ],
)
def test_role_is_read_when_the_professional_says_it_of_themselves(
    kb: Knowledge, text: str, role: str
) -> None:
    assert read(text, kb).role == role


@pytest.mark.parametrize(
    "text",
    [
        "The police found her in a flat in Leeds",
        "A teacher saw him get into a car",
        "Her social worker hasn't been told yet",
        "I'm worried the police will not take it seriously",
        "Mum is a nurse and dad works nights",
    ],
)
def test_a_role_mentioned_about_someone_else_is_not_the_professionals(
    kb: Knowledge, text: str
) -> None:
    assert read(text, kb).role is None


# --- nation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "nation"),
    [
        ("I work in Belfast", "northern_ireland"),
        ("referred to the PSNI and the HSC Trust gateway team", "northern_ireland"),
        ("school in Derry", "northern_ireland"),
        ("Glasgow, Police Scotland are aware", "scotland"),
        ("we held an IDR this morning", "scotland"),
        ("based in Cardiff", "wales"),
        ("a boy who lives in Swansea", "wales"),
        ("moved to us in Cardiff from a placement in Kent", "wales"),
        ("Wrexham youth service", "wales"),
        ("in Croydon, south London", "england"),
        ("the Met picked him up", "england"),
        ("Kent, near the port of Dover", "england"),
    ],
)
def test_nation_from_places_agencies_and_procedures(kb: Knowledge, text: str, nation: str) -> None:
    assert read(text, kb).nation == nation


@pytest.mark.parametrize(
    "text",
    [
        "she speaks some English and a little Welsh",
        "he was taken to London last month",
        "she rang me from a phone box in Glasgow",
        "he has a North London accent",
    ],
)
def test_no_nation_from_a_language_or_where_the_child_was_taken(kb: Knowledge, text: str) -> None:
    assert read(text, kb).nation is None


# --- setting -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "setting"),
    [
        ("she came into school late again", "school"),
        ("one of our pupils", "school"),
        ("seen in A&E at 2am", "health"),
        ("on a home visit to the flat I noticed mattresses", "home_visit"),
        ("he was brought into custody last night", "police_contact"),
        ("arrested for possession with intent", "police_contact"),
        ("stopped at Heathrow arrivals with an adult", "port_or_border"),
        ("Border Force flagged a girl off the ferry", "port_or_border"),
    ],
)
def test_setting(kb: Knowledge, text: str, setting: str) -> None:
    assert read(text, kb).setting == setting


# --- age ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("a 15 year old girl", 15),
        ("15yo boy", 15),
        ("a fifteen-year-old", 15),
        ("she's 14", 14),
        ("he is only 13", 13),
        ("aged 16, Vietnamese", 16),
        ("Girl (14) seen with an adult", 14),
        ("a 16-year-old with a 24-year-old boyfriend", 16),
        ("she is 15 and her boyfriend is 22", 15),
        ("a lad about 14", 14),
        ("boy of 15 says", 15),
        ("child on my caseload (LAC, 15)", 15),
        ("arrested, 14 yrs, no papers", 14),
    ],
)
def test_age(kb: Knowledge, text: str, age: int) -> None:
    assert read(text, kb).age == age


@pytest.mark.parametrize(
    "text",
    [
        "she has been in the UK for 2 years",
        "a 30 year old man keeps turning up",
        "she's gone missing 3 times",
        "this year 4 referrals came in",
        "year 9 pupil",
        "S3 pupil in Dundee",
        "scars from an accident when he was 6",
        "her bf (21) picks her up",
    ],
)
def test_no_age_from_other_numbers(kb: Knowledge, text: str) -> None:
    assert read(text, kb).age is None


@pytest.mark.parametrize(
    ("text", "disputed"),
    [
        ("he claims to be 17 but looks much older", True),
        ("age disputed, says he is 19", True),
        ("an age assessment is planned", True),
        ("she says she's 18 but looks about 14", True),
        ("a 15 year old girl", False),
        ("there's no doubt about his age", False),
    ],
)
def test_age_disputed(kb: Knowledge, text: str, disputed: bool) -> None:
    assert read(text, kb).age_disputed is disputed


def test_a_disputed_age_is_the_age_the_young_person_gives(kb: Knowledge) -> None:
    reading = read("she says she's 18 but looks about 14", kb)
    assert (reading.age, reading.age_disputed) == (18, True)
    assert read("a girl who looks about 14", kb).age == 14


# --- nationality -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "nationality"),
    [
        ("15 year old Albanian boy", "Albanian"),
        ("Vietnamese national found in a nail bar", "Vietnamese"),
        ("an eritrean girl", "Eritrean"),
        ("he's a UK national", "British"),
        ("Sudanese, arrived last week", "Sudanese"),
        ("she says she's from Nigeria", "Nigerian"),
    ],
)
def test_nationality(kb: Knowledge, text: str, nationality: str) -> None:
    assert read(text, kb).nationality == nationality


@pytest.mark.parametrize(
    "text", ["she speaks Albanian", "we need a Kurdish interpreter", "works at a Chinese takeaway"]
)
def test_a_language_or_a_cuisine_is_not_a_nationality(kb: Knowledge, text: str) -> None:
    assert read(text, kb).nationality is None


# --- out of hours ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ooh"),
    [
        ("it's gone 11 on a Sunday night", True),
        ("It's 3am and she's not back", True),
        ("called EDT already", True),
        ("it's Saturday and the office is shut", True),
        ("it is 23:15", True),
        ("it's 2pm on a Tuesday", False),
        ("right now it's 10.30am", False),
        ("she usually comes back at 3am", None),
        ("she went missing last Sunday", None),
        ("a 15 year old girl", None),
    ],
)
def test_out_of_hours_from_a_stated_time(kb: Knowledge, text: str, ooh: bool | None) -> None:
    assert read(text, kb).out_of_hours is ooh


# --- present danger ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "She is missing now and not answering her phone",
        "a man is waiting outside the school for her",
        "he hasn't come home and nobody knows where he is",
        "she's about to be collected by the 'uncle'",
        "Her flight to Pakistan is booked for tomorrow, they will marry her there",
        "I think she is going to run tonight",
        "He's been taken by two men in a car an hour ago",
        "she's in immediate danger",
        "she has gone missing from the ward",
        "the men are coming to pick her up after school today",
        "she went missing last night and hasnt come back",
        "shes missing",
        "she's packing a bag, says she's going to London to meet him",
        "mum rang, he got into a car with two men and isn't answering his phone",
        "they're heading for the motorway with her now",
        "ran from the placement an hour ago",
        "being driven to the airport",
        "the man is here demanding to take her",
        "she's been gone 3 hours",
        "she absconded from the unit at lunchtime today",
        "her flight leaves at 6",
    ],
)
def test_present_danger_now(kb: Knowledge, text: str) -> None:
    assert read(text, kb).present_danger is True


@pytest.mark.parametrize(
    "text",
    [
        "She went missing last year for two nights",
        "he used to go missing a lot",
        "she went missing at the weekend but she's safe now",
        "he was missing overnight and came back this morning",
        "No immediate danger, she is at home with mum",
        "I don't think she is in danger right now",
        "if she goes missing again, who do I call?",
        "She has gone missing 4 times before",
        "a history of missing episodes",
        "I saw a car waiting outside the school gates last week",
        "she came in by bus this morning and is in lessons now",
        "she lives with her aunt now and is doing well",
        "she's being sent to Pakistan next month",
    ],
)
def test_no_present_danger_for_past_resolved_negated_or_hypothetical(
    kb: Knowledge, text: str
) -> None:
    assert read(text, kb).present_danger is False


# --- indicators --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("she works long hours at a nail bar", "seen_in_work_settings"),
        ("he has two phones and a roll of cash", "unexplained_money_phones"),
        ("arrived in the UK unaccompanied", "arrived_unaccompanied"),
        ("UASC placed with us", "arrived_unaccompanied"),
        ("he has no passport or ID", "no_documents"),
        ("her 'uncle' keeps her passport", "docs_held_by_other"),
        ("went missing from her last placement", "missing_from_care_before"),
        ("she goes missing most weekends", "missing_nights_weekends"),
        ("he doesn't come home till 4am", "missing_nights_weekends"),
        ("she's got an older boyfriend who picks her up", "older_partner"),
        ("a 24 year old boyfriend", "older_partner"),
        ("found in a cannabis farm", "cannabis_farm"),
        ("found with wraps of crack plugged", "carrying_drugs_weapons"),
        ("he says he owes them money for the journey", "travel_debt"),
        ("the adult wouldn't leave the room and answered for her", "adult_wont_leave_child"),
        ("she's not registered with a GP", "no_school_or_gp"),
        ("he is terrified of the police", "fear_of_authorities"),
        ("she has a tattoo of his name on her neck", "ownership_marks"),
        ("they talk about taking her abroad to marry", "forced_marriage_risk"),
        ("someone is pressuring her to send nudes", "online_sexual_pressure"),
        ("offered a modelling job on Instagram in London", "online_recruitment_job_offer"),
        ("she's been self-harming", "self_harm_trauma"),
        ("her attendance has dropped right off", "decline_school_emotional"),
        ("she does all the cooking and cleaning for the family", "excessive_chores"),
        ("he was arrested for dealing in another town", "arrested_offence_linked_to_exploitation"),
        ("sleeps on a mattress in the back of the shop", "substandard_housing"),
        ("she is pregnant and won't say by whom", "sti_pregnancy"),
        ("she says he loves her and it's her choice", "doesnt_see_self_as_victim"),
        ("his story sounded rehearsed", "coached_identity_story"),
        ("different cars pick her up from school", "adult_collects_child"),
    ],
)
def test_indicator_phrases(kb: Knowledge, text: str, indicator: str) -> None:
    assert facts(read(text, kb)).get(indicator, ("",))[0] == "yes"


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("no sign of an older boyfriend", "older_partner"),
        ("she has never gone missing", "missing_episodes"),
        ("she denies self-harming", "self_harm_trauma"),
        ("there are no bruises", "injuries_abuse_signs"),
        ("He doesn't have two phones as far as I know", "unexplained_money_phones"),
    ],
)
def test_negated_indicator_is_noted_as_no(kb: Knowledge, text: str, indicator: str) -> None:
    assert facts(read(text, kb))[indicator][0] == "no"


@pytest.mark.parametrize(
    "text",
    [
        "I don't know if she has a passport",
        "not sure whether he has gone missing before",
        "should I ask if she has an older boyfriend?",
        "if she goes missing again what do I do",
    ],
)
def test_uncertain_or_hypothetical_statements_take_nothing(kb: Knowledge, text: str) -> None:
    taken = facts(read(text, kb))
    assert not {"no_documents", "missing_episodes", "older_partner"} & set(taken)


def test_past_tense_is_still_a_fact_about_the_child(kb: Knowledge) -> None:
    reading = read("She went missing last year for two nights", kb)
    assert facts(reading)["missing_episodes"][0] == "yes"
    assert reading.present_danger is False


@pytest.mark.parametrize(
    ("text", "indicator", "how"),
    [
        ("I saw bruising on her arms", "injuries_abuse_signs", "observed"),
        ("I noticed she has two phones", "unexplained_money_phones", "observed"),
        ("She told me she works in a nail bar", "seen_in_work_settings", "disclosed"),
        ("he disclosed that he owes money for his journey", "travel_debt", "disclosed"),
        ("Mum said she stays out all night", "missing_nights_weekends", "reported"),
        ("a colleague reported she is pregnant", "sti_pregnancy", "reported"),
        ("I was told he has a knife", "carrying_drugs_weapons", "reported"),
        ("I think she has an older boyfriend", "older_partner", "suspected"),
        ("I'm worried she's in love with him", "bond_with_exploiter", "suspected"),
        ("She has two phones, she told me", "unexplained_money_phones", "disclosed"),
        ("Foster carer says he's out a lot. Has new trainers.", "unexplained_money_phones", None),
        ("police found him begging", "street_crime_begging", "reported"),
        ("he seems terrified of the police", "fear_of_authorities", "observed"),
        ("she has two phones", "unexplained_money_phones", None),
    ],
)
def test_how_the_professional_knows(kb: Knowledge, text: str, indicator: str, how: str) -> None:
    assert facts(read(text, kb))[indicator] == ("yes", how)


def test_the_words_noted_are_the_professionals_own(kb: Knowledge) -> None:
    reading = read("She works LONG HOURS at a nail bar", kb)
    fact = next(f for f in reading.indicators if f.id == "seen_in_work_settings")
    assert isinstance(fact, IndicatorFact)
    assert fact.words in ("LONG HOURS", "nail bar")


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("she works in a nial bar", "seen_in_work_settings"),
        ("he's been absconded twice", "missing_episodes"),
        ("found in a canabis farm", "cannabis_farm"),
        ("she has no pasport", "no_documents"),
    ],
)
def test_typing_slips_are_mended_towards_the_patterns(
    kb: Knowledge, text: str, indicator: str
) -> None:
    assert indicator in facts(read(text, kb))


def test_a_full_first_message(kb: Knowledge) -> None:
    reading = read(
        "I'm the DSL at a secondary in Cardiff. One of our year 10s, 15yo Albanian girl, "
        "told me she works long hours at a nail bar and hands over her wages. "
        "I noticed she has two phones. No sign of an older boyfriend.",
        kb,
    )
    assert (reading.role, reading.nation, reading.setting, reading.age) == (
        "teacher",
        "wales",
        "school",
        15,
    )
    assert reading.nationality == "Albanian"
    assert reading.present_danger is False
    taken = facts(reading)
    assert taken["seen_in_work_settings"] == ("yes", "disclosed")
    assert taken["earnings_taken_or_quota"] == ("yes", "disclosed")
    assert taken["unexplained_money_phones"] == ("yes", "observed")
    assert taken["older_partner"][0] == "no"


def test_empty_and_oversized_messages(kb: Knowledge) -> None:
    assert read("", kb) == Reading()
    assert read("x " * 100_000, kb) == Reading()


# --- the phrase language and the loader ---------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "",
        "  ",
        ".. missing",
        "missing ..",
        "Missing",
        "mi*",
        "[gone]",
        "gone|",
        "a" + " b" * 10,
        3,
        "!",
    ],
)
def test_malformed_phrases_are_refused(phrase: object) -> None:
    assert phrase_problem(phrase) is not None


def test_a_phrase_that_states_absence_gives_no(kb: Knowledge) -> None:
    taken = facts(read("lives with mum, goes to school, registered with the GP", kb))
    assert taken["no_school_or_gp"][0] == "no"
    assert facts(read("she is not registered with a GP", kb))["no_school_or_gp"][0] == "yes"


def test_well_formed_phrases_become_matcher_patterns() -> None:
    assert phrase_problem("works|working .. nail bar*") is None
    pattern = to_matcher_pattern("[has] gone missing")
    assert pattern[0]["OP"] == "?"
    assert pattern[2] == {"LOWER": "missing"}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit_first_indicator(data: Path, change: Callable[[dict], None]) -> None:
    path = data / "indicators.yml"
    doc = yaml.safe_load(path.read_text())
    change(doc["indicators"][0])
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


@pytest.mark.parametrize(
    ("phrases", "expected"),
    [
        (["Unaccompanied"], "only lower-case"),
        (["alone .."], "cannot start or end"),
        (["alone", "alone"], "listed twice"),
        ([""], "non-empty"),
        ("alone", "should be a list"),
    ],
)
def test_the_loader_refuses_a_malformed_phrases_entry(
    data: Path, phrases: object, expected: str
) -> None:
    _edit_first_indicator(data, lambda entry: entry.update(phrases=phrases))
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(data, today=TODAY)
    assert any("arrived_unaccompanied" in p and expected in p for p in info.value.problems)


def test_every_indicator_with_phrases_loads_them(kb: Knowledge) -> None:
    with_phrases = [i for i in kb.indicators.values() if i.phrases]
    assert len(with_phrases) == len(kb.indicators)
    going_missing = [i for i in kb.indicators.values() if i.going_missing]
    assert all(i.phrases for i in going_missing)
