"""The reader's accuracy fixes (issue 18, "Listen"), each a general rule shown on
wording of its own (not the development set's): phrases that could never match,
answer words, the more specific of two overlapping signs, role, nation, setting, age,
time and present danger."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.knowledge import Knowledge, load_knowledge
from bot.reader import read


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge(today=dt.date(2026, 12, 3))


def _facts(kb: Knowledge, text: str) -> dict[str, str]:
    return {f.id: f.value for f in read(text, kb).indicators}


# --- indicators: phrases whose alternatives had a space in them never matched -------


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("there are five unrelated teenage boys at the flat", "unrelated_children_same_address"),
        ("he isn't allowed to eat with the others", "treated_differently_in_household"),
        ("the uncle says he only met him last week", "adult_abandons_child"),
        ("the lad says he does not know the man at all", "adult_cannot_explain_relationship"),
        ("the woman would not let me see her on her own", "adult_wont_leave_child"),
        ("stopped by police in another town twice", "found_out_of_area"),
    ],
)
def test_phrases_with_two_word_alternatives_now_match(
    kb: Knowledge, text: str, indicator: str
) -> None:
    assert _facts(kb, text).get(indicator) == "yes"


# --- indicators: more ways professionals say them ----------------------------------


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("he says he owes the gang 5k for bringing him over", "travel_debt"),
        ("I think he has had his passport confiscated", "docs_held_by_other"),
        ("the photo on her id does not match her", "false_or_altered_docs"),
        ("she comes to school hungry most days", "neglect_malnutrition"),
        ("he turned up with a knife wound to his arm", "injuries_abuse_signs"),
        ("weed use every day, and some ket", "substance_misuse"),
        ("a man checked in with a young girl last night", "seen_in_brothel_or_inappropriate_place"),
        ("he's been working at the farm for nothing", "earnings_taken_or_quota"),
        ("her boss drives her between the two salons", "works_multiple_places"),
        ("the step-dad has taken over her bank account", "financial_exploitation"),
        ("they know where his family live back home", "threats_to_family"),
        ("he's been hanging around with a new crowd of older lads", "gang_association"),
        ("he reckons it's a brilliant opportunity", "doesnt_see_self_as_victim"),
        ("she does the cleaning for the whole family", "excessive_chores"),
        ("she has no real friends and sits alone at lunch", "socially_isolated"),
        ("a boyfriend she met through a game", "excessive_secret_online"),
        ("the men have been taking her to different flats", "moved_for_sex_locally"),
        ("she's out until 3 most nights", "missing_nights_weekends"),
        ("the man who brought her to A&E left straight away", "adult_abandons_child"),
        ("she has worn the same uniform all week", "few_belongings"),
    ],
)
def test_more_ways_of_stating_an_indicator(kb: Knowledge, text: str, indicator: str) -> None:
    assert _facts(kb, text).get(indicator) == "yes"


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("she asked for a pregnancy test", "sti_pregnancy"),
        ("he came in to report a theft from his locker", "street_crime_begging"),
        ("his passport is locked in the safe at the hotel", "rarely_leaves_home"),
        ("a job offer from a man online, cash in hand", "earnings_taken_or_quota"),
        ("mum thinks she is being groomed", "bond_with_exploiter"),
        ("she won't say who he is", "bond_with_exploiter"),
        ("private fostering assessment booked for Monday", "unregistered_private_fostering"),
        ("she says she doesn't know them", "adult_abandons_child"),
        ("the car is waiting outside the school", "adult_collects_child"),
        ("someone she met online", "excessive_secret_online"),
        ("his cousin is using him to run drugs", "substance_misuse"),
    ],
)
def test_words_that_do_not_state_the_indicator(kb: Knowledge, text: str, indicator: str) -> None:
    assert indicator not in _facts(kb, text)


def test_a_bare_no_before_a_pronoun_answers_and_does_not_deny(kb: Knowledge) -> None:
    facts = _facts(kb, "no he doesn't have a phone")
    assert facts["unexplained_money_phones"] == "no"
    assert facts["unexplained_calls_texts"] == "no"


def test_the_more_specific_of_two_overlapping_signs_is_taken(kb: Knowledge) -> None:
    facts = _facts(kb, "the man has no documents to show how they are related")
    assert facts.get("no_proof_of_relationship") == "yes" and "no_documents" not in facts
    facts = _facts(kb, "she was beaten by the smugglers on the way here")
    assert facts.get("abuse_on_journey") == "yes" and "injuries_abuse_signs" not in facts
    # two signs stated together both stand
    facts = _facts(kb, "he is terrified of the police")
    assert facts.get("fear_of_authorities") == "yes" and facts.get("withdrawn_fearful") == "yes"


def test_a_longer_phrase_of_the_same_indicator_speaks_for_its_words(kb: Knowledge) -> None:
    assert _facts(kb, "bruises on his shins from football")["injuries_abuse_signs"] == "no"
    assert _facts(kb, "he's well nourished and clean")["neglect_malnutrition"] == "no"


def test_every_specific_entry_names_indicators_of_the_bank(kb: Knowledge) -> None:
    from bot.reader.data import load

    specific = load("specific")["specific"]
    named = set(specific) | {g for general in specific.values() for g in general}
    assert named <= set(kb.indicators)


# --- role, nation, setting ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Children's nurse. A boy of 7 came in with burns", "health"),
        ("A&E, St Mary's. Girl of 15 brought in by a man", "health"),
        ("Head of pastoral at a secondary. A boy in year 9", "teacher"),
        ("youth worker - the lad is 15 and has new trainers", "other"),
        ("I work at Holyhead port and a boy came off the ferry alone", "other"),
        ("I'm a taxi driver and a girl got into my cab crying", "other"),
        ("Our DSL is on a course so I'm the one asking", "teacher"),
        ("I'm the receptionist at the school and a man is at the gate", "teacher"),
        ("I'm the receptionist at a hotel and a man checked in with a girl", "other"),
    ],
)
def test_more_ways_professionals_state_their_role(kb: Knowledge, text: str, role: str) -> None:
    assert read(text, kb).role == role


@pytest.mark.parametrize(
    ("text", "nation"),
    [
        ("Stopped a 14yo from Leeds on a bus into Swansea", "wales"),
        ("placed in Scotland last week, keeps saying he has to go to London", "scotland"),
        ("GP in Scarborough. A girl of 13", "england"),
    ],
)
def test_nation_where_the_child_is_not_where_they_must_go(
    kb: Knowledge, text: str, nation: str
) -> None:
    assert read(text, kb).nation == nation


def test_a_destination_alone_gives_no_nation(kb: Knowledge) -> None:
    assert read("he keeps saying he has to get to Manchester", kb).nation is None


@pytest.mark.parametrize(
    ("text", "setting"),
    [
        ("a girl at breakfast club is always starving", "school"),
        ("teen patient 15 with a scar", "health"),
        ("visited the family yesterday and the flat was filthy", "home_visit"),
        ("saw him at the park with older lads", "other"),
    ],
)
def test_more_settings(kb: Knowledge, text: str, setting: str) -> None:
    assert read(text, kb).setting == setting


@pytest.mark.parametrize(
    "text", ["annual review of her placement", "they took her to a flat above a takeaway"]
)
def test_no_setting_from_a_review_or_a_place_named_in_passing(kb: Knowledge, text: str) -> None:
    assert read(text, kb).setting is None


# --- age, age disputed, a message about no real child -------------------------------


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("13, known to CAMHS, mum worried", 13),
        ("Nothing new. 16, lives with nan.", 16),
        ("seen a lad abt 12 on the estate at night", 12),
        ("patient 14 with a burn on her hand", 14),
        ("girl (14) talking to a man online who says he's 16", 14),
    ],
)
def test_more_ways_an_age_is_stated(kb: Knowledge, text: str, age: int) -> None:
    assert read(text, kb).age == age


def test_an_age_given_and_doubted_is_the_one_given(kb: Knowledge) -> None:
    reading = read("she gave her age as 18 but looked about 14 to me", kb)
    assert reading.age == 18 and reading.age_disputed
    fact = next(f for f in reading.indicators if f.id == "age_disputed")
    assert fact.value == "yes" and fact.how == "suspected"


def test_the_age_disputed_indicator_agrees_with_the_field(kb: Knowledge) -> None:
    reading = read("boy says he is 16 but looks about 12", kb)
    assert reading.age_disputed and reading.age == 16
    assert {f.id: f.value for f in reading.indicators}.get("age_disputed") == "yes"


def test_a_question_about_no_real_child_takes_nothing_of_a_child(kb: Knowledge) -> None:
    reading = read(
        "I'm a teacher. What if a 14yo told me she was being collected tonight by a man "
        "she owes money? Just for staff training.",
        kb,
    )
    assert reading.role == "teacher"
    assert reading.age is None and not reading.present_danger and reading.indicators == ()


# --- present danger -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "she's in a flat with three men and can't get away",
        "two lads are driving him to another town as we speak",
        "they are queuing for the ferry with the man",
        "a man has just checked in with a young girl",
    ],
)
def test_more_present_dangers(kb: Knowledge, text: str) -> None:
    assert read(text, kb).present_danger


@pytest.mark.parametrize(
    "text",
    [
        "he's now threatening to send the pictures to her friends",
        "mum doesn't know where he goes at night",
        "the man who brought her left and now isn't answering his phone",
        "a man dropped him at the station and drove off, he is with us now",
        "her passport is locked in his room",
        "he is taking her to Pakistan next month",
    ],
)
def test_no_present_danger_from_pictures_habits_or_later_plans(kb: Knowledge, text: str) -> None:
    assert not read(text, kb).present_danger


# --- out of hours -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ooh"),
    [
        ("it's half 11 at night and she's not back", True),
        ("he's now asking her to meet him on Saturday", None),
        ("she told me today that he wants to meet her next Sunday", None),
    ],
)
def test_out_of_hours_half_past_and_another_day(kb: Knowledge, text: str, ooh: bool | None) -> None:
    assert read(text, kb).out_of_hours is ooh


# --- how the professional knows -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "indicator", "how"),
    [
        ("she told her foster carer she has no friends at all", "socially_isolated", "reported"),
        ("he told the school he is not allowed out", "rarely_leaves_home", "reported"),
        ("the man who says he is her dad answers for her", "adult_wont_leave_child", "reported"),
        ("girl claims to be 18, I'd say 14", "age_disputed", "suspected"),
    ],
)
def test_who_told_the_professional(kb: Knowledge, text: str, indicator: str, how: str) -> None:
    fact = next(f for f in read(text, kb).indicators if f.id == indicator)
    assert fact.how == how


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("the man had no documents for her at all", "no_proof_of_relationship"),
        ("she is treated like a slave by the aunt", "treated_differently_in_household"),
        ("they plan to take her out of the country", "illegal_adoption_or_trafficking_out"),
        ("there is no warmth between them", "carer_not_parent_poor_bond"),
        ("she doesn't know her date of birth", "wont_give_personal_details"),
        ("he has moved loads of times this year", "moves_frequently"),
        ("she can't say where she will be staying", "port_cannot_name_contact"),
        ("arrested at a cannabis factory in the loft", "arrested_offence_linked_to_exploitation"),
        ("the passport is not hers", "false_or_altered_docs"),
        ("LAC 15yo missing since yesterday", "missing_episodes"),
        ("he gets hit if the money is short", "injuries_abuse_signs"),
        ("found sleeping rough behind the station", "substandard_housing"),
    ],
)
def test_more_phrases_that_had_a_space_in_an_alternative_or_were_missing(
    kb: Knowledge, text: str, indicator: str
) -> None:
    assert _facts(kb, text).get(indicator) == "yes"


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("UASC, 16, from Eritrea", 16),
        ("a 17yo female came in with a man", 17),
        ("a 24yo male with a girl of 14", 14),
        ("Looked after child, 14, placed with us", 14),
    ],
)
def test_ages_in_labels_and_with_a_sex(kb: Knowledge, text: str, age: int) -> None:
    assert read(text, kb).age == age


def test_missing_since_is_missing_now(kb: Knowledge) -> None:
    assert read("LAC 15yo missing since yesterday", kb).present_danger


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("she said she was hungry because she forgot her lunch", "neglect_malnutrition"),
        ("he helps mum with the school run for his brother", "excessive_chores"),
        ("she cooks tea with her dad on Fridays", "excessive_chores"),
        ("all the girls wear the same colour bobbles", "gang_association"),
        ("she stays at her dad's at weekends", "missing_nights_weekends"),
        ("out till midnight on new year's eve with family", "missing_nights_weekends"),
    ],
)
def test_everyday_words_are_not_signs(kb: Knowledge, text: str, indicator: str) -> None:
    assert indicator not in _facts(kb, text)


def test_an_injury_from_sport_is_explained(kb: Knowledge) -> None:
    assert _facts(kb, "a sports injury from rugby on Saturday")["injuries_abuse_signs"] == "no"


def test_with_an_adult_and_a_soon_word_is_present_danger(kb: Knowledge) -> None:
    assert read("she's gone off with a man this afternoon", kb).present_danger


@pytest.mark.parametrize(
    ("text", "setting"),
    [
        ("Social worker. She was found by the police in a flat in Hull.", None),
        ("PC. Stopped by us on the high street with two phones.", "police_contact"),
    ],
)
def test_police_contact_is_a_setting_only_when_the_writer_met_the_child(
    kb: Knowledge, text: str, setting: str | None
) -> None:
    assert read(text, kb).setting == setting


@pytest.mark.parametrize(
    "text",
    [
        "British Transport Police stopped a boy of 14 at the station",
        "speaks very little English, possibly Albanian",
        "we called the Romanian embassy about her papers",
    ],
)
def test_no_nationality_from_an_organisation_or_a_guess(kb: Knowledge, text: str) -> None:
    assert read(text, kb).nationality is None


@pytest.mark.parametrize(
    "text",
    [
        "I work in a hotel in Leeds and I'm worried about a girl.",
        "I've been working late on this case.",
        "I have to go now, sorry, I've got to leave at 5.",
        "She has a strong bond with her nan.",
        "Her mum has an alcohol problem.",
        "I have to answer to my manager on this.",
    ],
)
def test_what_the_professional_says_of_themselves_is_no_sign(kb: Knowledge, text: str) -> None:
    assert _facts(kb, text) == {}


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("she's working at a takeaway every night", "seen_in_work_settings"),
        ("the men give him vodka", "substance_misuse"),
        ("she has to go to London tonight", "talks_of_leaving"),
        ("he still owes them for the bond", "travel_debt"),
    ],
)
def test_the_same_signs_said_of_the_child_still_count(
    kb: Knowledge, text: str, indicator: str
) -> None:
    assert _facts(kb, text).get(indicator) == "yes"


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("his stepdad makes him steal from shops", "street_crime_begging"),
        ("she's looking after 4 kids all day", "excessive_chores"),
        ("dad says she will marry his cousin", "forced_marriage_risk"),
        ("detained in a cannabis grow in Falkirk", "arrested_offence_linked_to_exploitation"),
    ],
)
def test_stealing_childcare_marrying_and_detention(
    kb: Knowledge, text: str, indicator: str
) -> None:
    assert _facts(kb, text).get(indicator) == "yes"


def test_a_place_after_a_clause_about_us_is_not_ours(kb: Knowledge) -> None:
    text = "DSL, Swansea comp. Police called us - he was found in Bristol with cash."
    assert read(text, kb).nation == "wales"


def test_a_habit_overnight_is_not_the_time_now(kb: Knowledge) -> None:
    assert read("she keeps going missing overnight", kb).out_of_hours is None


def test_the_child_at_someone_elses_flat_is_no_home_visit(kb: Knowledge) -> None:
    assert read("she goes to parties at his flat", kb).setting is None


def test_a_role_before_the_service_it_is_in(kb: Knowledge) -> None:
    assert read("DSL primary, Belfast. Child (8) has a black eye", kb).role == "teacher"


def test_a_plan_for_half_term_is_not_present_danger(kb: Knowledge) -> None:
    assert not read("her dad is taking her to Pakistan in the half term", kb).present_danger


# --- phrases that explain words away ('~') -------------------------------------------


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("Our boy (12) has a new phone for his birthday from us.", "unexplained_money_phones"),
        ("new trainers from his nan", "unexplained_money_phones"),
        ("he doesn't have a passport because he's never been abroad", "no_documents"),
    ],
)
def test_words_explained_away_take_nothing(kb: Knowledge, text: str, indicator: str) -> None:
    assert indicator not in _facts(kb, text)


def test_an_unexplained_gift_still_counts(kb: Knowledge) -> None:
    assert _facts(kb, "a new phone she won't explain")["unexplained_money_phones"] == "yes"


def test_explaining_phrases_are_well_formed_and_take_no_value() -> None:
    from bot.reader.phrases import phrase_problem, to_matcher_pattern

    assert phrase_problem("~new .. phone for her birthday") is None
    assert phrase_problem("~") is not None
    assert to_matcher_pattern("~new phone") == to_matcher_pattern("new phone")


def test_wanting_to_leave_home_at_18_is_not_present_danger(kb: Knowledge) -> None:
    text = "A 16yo told me she wants to leave home when she turns 18 and move to London."
    reading = read(text, kb)
    assert not reading.present_danger and reading.nation is None


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("think he's running a line to Norfolk", "gang_association"),
        ("brought over by smugglers and owes them 10k", "travel_debt"),
        ("always starving, comes to school in dirty clothes", "neglect_malnutrition"),
        ("she says she's in love, he's 31", "bond_with_exploiter"),
        ("16 yo girl, pregnant, partner is 31", "older_partner"),
        ("he's not in school much lately", "decline_school_emotional"),
    ],
)
def test_more_ways_seen_in_notes(kb: Knowledge, text: str, indicator: str) -> None:
    assert _facts(kb, text).get(indicator) == "yes"


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("placed out of area in Carlisle", "found_out_of_area"),
        ("he's not in school much lately", "no_school_or_gp"),
        ("she says she looks after her baby sister", "bond_with_exploiter"),
        ("always the same dirty clothes", "neglect_malnutrition"),
    ],
)
def test_more_words_that_say_something_else(kb: Knowledge, text: str, indicator: str) -> None:
    assert indicator not in _facts(kb, text)


def test_school_staff_and_an_ed_psych(kb: Knowledge) -> None:
    assert read("I'm a dinner lady at a primary in Gwynedd.", kb).role == "teacher"
    assert read("Ed psych here. Pupil 11 with an EHCP.", kb).setting is None


def test_a_note_without_its_i_is_still_a_suspicion(kb: Knowledge) -> None:
    fact = next(f for f in read("think he's running a line", kb).indicators)
    assert fact.how == "suspected"


# --- indicators the development set hardly covers ------------------------------------


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("the agent sorted his visa and tickets", "travel_arranged_by_others"),
        ("his family were paid so he could come here", "family_contract_inducement"),
        ("her parents were promised she'd get an education here", "family_contract_inducement"),
        ("that address has come up before with other kids", "address_used_repeatedly"),
        ("the flat is linked to several other referrals", "address_used_repeatedly"),
        ("she has five unrelated kids living with her", "adult_multiple_children"),
        ("she panicked when she saw the police", "fear_of_authorities"),
        ("she works in two different nail bars", "works_multiple_places"),
        ("burns on her hands from the chemicals at the salon", "workplace_injuries"),
        ("they drive her to different houses to meet men", "moved_for_sex_locally"),
        ("she's taken from the park to a flat by older men", "moved_for_sex_locally"),
        ("her mood has changed a lot since the summer", "mood_changes"),
        ("he says they took his kidney", "organ_removal"),
        ("she acts much older than her age", "self_assured_beyond_age"),
        ("the aunt seems cold and uninterested in her", "carer_not_parent_poor_bond"),
        ("her behaviour is very sexualised", "sexualised_knowledge_behaviour"),
    ],
)
def test_indicators_the_development_set_hardly_covers(
    kb: Knowledge, text: str, indicator: str
) -> None:
    assert _facts(kb, text).get(indicator) == "yes"


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("Mum was paid her wages late this month", "family_contract_inducement"),
        ("the house has come up before for noise complaints", "address_used_repeatedly"),
        ("Her dad booked her flights to see her gran", "travel_arranged_by_others"),
        ("The kids living with her are her own", "adult_multiple_children"),
    ],
)
def test_the_new_phrases_leave_ordinary_family_life_alone(
    kb: Knowledge, text: str, indicator: str
) -> None:
    assert indicator not in _facts(kb, text)


def test_cannot_written_as_one_word_and_a_few_weeks_ahead(kb: Knowledge) -> None:
    assert read("she's at a flat with men and cannot get out", kb).present_danger
    assert not read("they are taking her to Pakistan in a few weeks", kb).present_danger
