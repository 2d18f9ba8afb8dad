"""The reader's rules written to generalise (issue 18, "Listen"): kinds of wording
rather than single messages. Every example is written here; none is copied from the
development or held-out sets (tests/data/reader_*.yml)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.knowledge import load_knowledge
from bot.knowledge.model import Knowledge
from bot.reader import read

TODAY = dt.date(2026, 12, 3)


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge(today=TODAY)


# --- role: agencies and services opening the message --------------------------------


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Police Scotland, Fort William. A boy of 15 was stopped last night.", "police"),
        ("PSNI custody, Omagh. Girl, 16, brought in for shoplifting.", "police"),
        ("PCSO Ipswich, saw a girl about 14 with two older men by the bins.", "police"),
        ("GP Sunderland, 14yo patient with repeated chlamydia.", "health"),
        ("Band 7 in paeds ED, 13 yo boy with burns to his hands.", "health"),
        ("Staff nurse on the childrens ward, girl 12 keeps asking to phone 'uncle'.", "health"),
        ("Year 4 teacher in Wigan. A girl in my class is always hungry.", "teacher"),
        ("It's Tuesday lunchtime. DS in Hull, county lines team.", "police"),
        ("Leaving care PA in Derby. My young person, 17, owes a man money.", "social_care"),
        ("Environmental health officer in Hull. Two boys of about 15 at a car wash.", "other"),
        ("Port officer at Harwich. A girl of 15 off the ferry alone.", "other"),
        ("I'm a refuge support worker. A 17 year old here is frightened of her husband.", "other"),
        ("I work for a homeless charity in Leeds. A 16 yo lad sleeps in our hostel.", "other"),
        ("Youth worker on Anglesey. A girl, 14, has a second phone.", "other"),
    ],
)
def test_role_from_the_agency_or_service_opening_the_message(
    kb: Knowledge, text: str, role: str
) -> None:
    assert read(text, kb).role == role


def test_a_role_in_a_later_sentence_is_not_the_professionals(kb: Knowledge) -> None:
    text = "Mum rang me this morning. She is worried. Police in Leeds found her son."
    assert read(text, kb).role is None


# --- nation: Welsh and Gaelic names, forces and boards; the first sentence ----------


@pytest.mark.parametrize(
    ("text", "nation"),
    [
        ("Health visitor in Pen-y-bont ar Ogwr, a mum with a baby.", "wales"),
        ("School nurse, Castell-nedd. A girl of 14.", "wales"),
        ("Teacher in Y Fenni. A boy of 12 new to us.", "wales"),
        ("Social worker in Sir Gar. A lad of 15.", "wales"),
        ("A&E at Ysbyty Gwynedd, 15 yo with cuts.", "wales"),
        ("Betsi Cadwaladr safeguarding team, a girl of 13.", "wales"),
        ("NHS Tayside, a 14 year old at a clinic.", "scotland"),
        ("Youth worker in Inbhir Nis, a boy of 15.", "scotland"),
        ("Avon and Somerset police, 16 yo found in a flat.", "england"),
        # the professional's own place outweighs where the child was found
        ("Social worker in Y Barri. Girl, 15, found in Bristol by Bristol police.", "wales"),
        # where the child came from, nearer the place than 'our school', does not count
        ("Teacher in Wrecsam. A boy new to our school from Chester, settled.", "wales"),
        # a school the child was promised elsewhere is no place of hers
        ("Social worker in Swansea. She was promised she'd go to school in London.", "wales"),
    ],
)
def test_nation_from_a_wider_gazetteer_and_the_professionals_own_place(
    kb: Knowledge, text: str, nation: str
) -> None:
    assert read(text, kb).nation == nation


# --- present danger: present or near time with a movement or threat -----------------


@pytest.mark.parametrize(
    "text",
    [
        "she's gettin in a van wiv 2 men rite now outside the shop",
        "girl of 15 on the ward trying to discharge herself, says she has to get back to him",
        "boy, 14, missing from his foster placement since 7pm, it's now midnight",
        "he says if he is not back at the flat by tonight they will come for his sister",
        "she is off the coach alone and her train leaves in 15 minutes",
        "her brothers r coming 2 take her 2 the airport 2moro",
        "a van has pulled up and he is packing his things, says his cousin is here",
        "she's booked on a flight to Lahore with her dad, they are heading to the airport",
    ],
)
def test_present_danger_now_in_other_words(kb: Knowledge, text: str) -> None:
    assert read(text, kb).present_danger is True


@pytest.mark.parametrize(
    "text",
    [
        # past events, now resolved
        "Picked up a lad of 15 at the station last night with cash and wraps. He's in custody now.",
        "Reported missing at 8pm last night, turned out she was at her nan's. Home now.",
        "Found a boy of 13 asleep in the bus shelter this morning. He's sat with me in the cafe.",
        # a present habit, or a future trip weeks away
        "A minibus picks them up at 6am and 'rent' is taken off their pay.",
        "Family going to Somalia for the holidays. I'm worried she's being taken abroad to be cut.",
        # the soon word dates the telling; a gift sent is no movement
        "He told me at school today that a man online has been sending him game credits.",
    ],
)
def test_no_present_danger_for_habits_trips_later_and_resolved_events(
    kb: Knowledge, text: str
) -> None:
    assert read(text, kb).present_danger is False


# --- indicators: kinds of wording, and the words that are no sign ------------------


def ids(text: str, kb: Knowledge) -> dict[str, str]:
    return {f.id: f.value for f in read(text, kb).indicators}


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("After school she climbed into a van with three older men.", "adult_collects_child"),
        ("A man in his 30s collects him from the school gates on Fridays.", "adult_collects_child"),
        ("He was found by British Transport Police in Crewe.", "found_out_of_area"),
        ("She was picked up miles from home with no money.", "found_out_of_area"),
        ("He keeps saying he has to go back before the boss notices.", "talks_of_leaving"),
        ("Her 'employer' has kept her passport since she arrived.", "docs_held_by_other"),
        ("He says he owes the agent for bringing him over.", "travel_debt"),
        ("She says she has to work it off before she can leave.", "travel_debt"),
        ("The man with him had no letter of consent from the parents.", "port_cannot_name_contact"),
        ("She has been out all night twice this week.", "missing_episodes"),
        ("He was only placed with us on Tuesday.", "first_days_in_care"),
        ("She hands most of the money to the man who drives her.", "earnings_taken_or_quota"),
        ("Three girls live with him and none are related to him.", "adult_multiple_children"),
        ("He spends weekends on building sites with his 'cousin'.", "seen_in_work_settings"),
    ],
)
def test_indicator_kinds_of_wording(kb: Knowledge, text: str, indicator: str) -> None:
    assert ids(text, kb).get(indicator) == "yes"


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        # a county-lines worry is noted by its signs, not as a gang sign by itself
        ("I'm worried this might be county lines.", "gang_association"),
        # travelling with an adult says nothing of who has parental responsibility
        ("She came through arrivals travelling with a woman.", "with_agent_or_non_pr_adult"),
        # someone else's name or address is no refusal of the child's own details
        ("He couldn't tell me the name of the shop.", "wont_give_personal_details"),
        # dirty clothes are no dirty home
        ("He always turns up filthy and hungry.", "substandard_housing"),
        # a parent's work is not the child's
        ("Her dad works at the meat factory on nights.", "seen_in_work_settings"),
        # someone else saying all is fine is not the child's view
        ("School says her attendance is fine.", "doesnt_see_self_as_victim"),
        # her own passport, held by herself
        ("She's got her own passport with her.", "docs_held_by_other"),
        # not knowing an address is not at a port
        ("Mum doesn't know the address of the party.", "port_cannot_name_contact"),
    ],
)
def test_words_that_are_no_sign(kb: Knowledge, text: str, indicator: str) -> None:
    assert indicator not in ids(text, kb)


def test_going_to_school_alone_does_not_answer_school_and_gp(kb: Knowledge) -> None:
    """The indicator is 'not at school OR no GP': school alone leaves the GP unknown."""
    assert "no_school_or_gp" not in ids("He goes to school every day.", kb)


def test_travel_arranged_by_the_parents_is_stated_absent(kb: Knowledge) -> None:
    text = "Her flights were booked by her parents for a holiday."
    assert ids(text, kb).get("travel_arranged_by_others") == "no"


# --- age: ranges, several children, an age set off by commas, a claim typed "hes" ---


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("met him online, 14, mum is on her way in", 14),
        ("My care leaver T, 17, has moved in with a man she met last month.", 17),
        ("They have moved 5 times in 3 years and the 6 year old is not at school.", 6),
        ("16yo off the Calais coach, says hes 19, papers look altered", 19),
        ("A man registering three kids aged 5 to 12, no papers.", None),
        ("The same kids (look about 11-13) are selling flowers in the pub.", None),
        ("3 girls who looked about 14 serving in the takeaway after midnight.", None),
    ],
)
def test_age_from_labels_ranges_and_groups(kb: Knowledge, text: str, age: int | None) -> None:
    assert read(text, kb).age == age


# --- setting: the place of contact in other words -----------------------------------


@pytest.mark.parametrize(
    ("text", "setting"),
    [
        ("Teacher at a comp in Hull, a Year 9 girl has a much older boyfriend.", "school"),
        ("On a new birth visit the 13 year old sister was doing all the cooking.", "home_visit"),
        ("GP. A 15 yo came in with cuts to both arms she won't explain.", "health"),
        ("Border Force. A 14yo off the flight from Lagos, alone.", "port_or_border"),
    ],
)
def test_setting_from_the_place_of_contact(kb: Knowledge, text: str, setting: str) -> None:
    assert read(text, kb).setting == setting


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        (
            "He was arrested for shoplifting for the fourth time.",
            "arrested_offence_linked_to_exploitation",
        ),
        (
            "The woman with her could not say how they are related.",
            "adult_cannot_explain_relationship",
        ),
        (
            "She eats after everyone else and sleeps in the kitchen.",
            "treated_differently_in_household",
        ),
        ("He has stopped coming in and his grades have dropped.", "decline_school_emotional"),
        ("A boy of 15 who arrived alone on a lorry at the docks.", "arrived_unaccompanied"),
        ("Different girls every few months at the same flat.", "address_used_repeatedly"),
        ("She has not been outside in weeks, the neighbours say.", "rarely_leaves_home"),
        ("He flinched when the man came into the room.", "withdrawn_fearful"),
        ("She is very thin and always hungry.", "neglect_malnutrition"),
        ("The children are not at any school we can find.", "no_school_or_gp"),
    ],
)
def test_more_indicator_kinds(kb: Knowledge, text: str, indicator: str) -> None:
    assert ids(text, kb).get(indicator) == "yes"


def test_a_partner_of_the_same_age_is_no_older_partner(kb: Knowledge) -> None:
    assert ids("Her boyfriend is in the same year, both 15.", kb).get("older_partner") == "no"


def test_coming_alone_to_a_clinic_is_no_arrival_alone(kb: Knowledge) -> None:
    assert "arrived_unaccompanied" not in ids("15yo came alone to the clinic today.", kb)


# --- how they know: the professional's own encounter ---------------------------------


def how(text: str, indicator: str, kb: Knowledge) -> str | None:
    return next(f.how for f in read(text, kb).indicators if f.id == indicator)


def test_a_sign_in_the_professionals_own_encounter_is_observed(kb: Knowledge) -> None:
    text = "Stopped a lad of 15 in the car park last night with two phones and a wad of cash."
    assert how(text, "unexplained_money_phones", kb) == "observed"


def test_a_sign_with_no_cue_and_no_encounter_stays_unknown(kb: Knowledge) -> None:
    assert how("Lad of 15, two phones and a wad of cash.", "unexplained_money_phones", kb) is None


def test_a_cue_still_wins_over_the_encounter(kb: Knowledge) -> None:
    text = "Stopped a lad of 15 last night, his mum says he has two phones."
    assert how(text, "unexplained_money_phones", kb) == "reported"


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("He sleeps upstairs above the takeaway where he works.", "substandard_housing"),
        ("The man says he's her dad but has nothing to prove it.", "no_proof_of_relationship"),
        ("Her passport looks tampered with.", "false_or_altered_docs"),
        ("She is calm one minute and screaming the next.", "mood_changes"),
        ("Her 'aunt' kept answering for her the whole appointment.", "adult_wont_leave_child"),
        ("Her ex-partner has her bank card and takes her wages.", "financial_exploitation"),
        ("A car keeps parking opposite the children's home at night.", "adults_loitering"),
        ("A van picks them up for the farm at 5am.", "works_multiple_places"),
        ("He knows nobody in this town.", "socially_isolated"),
        ("Her uncle makes her sell drugs for him.", "exploited_by_family"),
        ("He had a grand in cash in his sock.", "unexplained_money_phones"),
        ("He got cuts on his arms at work.", "workplace_injuries"),
    ],
)
def test_more_indicator_kinds_at_work_and_home(kb: Knowledge, text: str, indicator: str) -> None:
    assert ids(text, kb).get(indicator) == "yes"


def test_missing_lessons_is_no_missing_episode(kb: Knowledge) -> None:
    assert "missing_episodes" not in ids("She is missing lessons most weeks.", kb)
    assert ids("She went missing from her placement.", kb).get("missing_episodes") == "yes"


# --- hedges: a sign the professional is not sure of is asked, not noted -------------


@pytest.mark.parametrize(
    "text",
    [
        "I think she might have a second phone but I'm not sure.",
        "He may be carrying a knife, we don't know.",
        "Maybe she has been going missing at weekends.",
        "She has a new iPhone, I think, but I'm not 100% on that.",
        "Possibly sleeping on a mattress in the loft, unsure.",
    ],
)
def test_a_hedged_sign_is_not_taken(kb: Knowledge, text: str) -> None:
    assert read(text, kb).indicators == ()


@pytest.mark.parametrize(
    ("text", "ident"),
    [
        ("I suspect she has a second phone.", "unexplained_money_phones"),
        ("He has two phones and I'm not sure what to do.", "unexplained_money_phones"),
    ],
)
def test_a_suspicion_or_an_unrelated_doubt_still_takes_the_sign(
    kb: Knowledge, text: str, ident: str
) -> None:
    assert [(f.id, f.value) for f in read(text, kb).indicators] == [(ident, "yes")]


# --- precision: words that name a sign's topic but do not state the sign -------------


@pytest.mark.parametrize(
    ("text", "ident"),
    [
        # not knowing someone's name is not refusing to give one's own details
        ("The woman with her couldn't tell me her surname.", "wont_give_personal_details"),
        # a weapon named is not a weapon carried
        ("He was threatened with a knife outside the chippy.", "carrying_drugs_weapons"),
        # a moment of distress is not a decline at school
        ("She was tearful when she told me.", "decline_school_emotional"),
        # a phone switched off, a shop shut down: not dissociation
        ("Her phone has been switched off since Friday.", "self_harm_trauma"),
        # getting into a taxi is not an adult collecting the child
        ("I watched him getting into a taxi after clinic.", "adult_collects_child"),
        # asking for contraception is not an STI or a pregnancy
        ("She came in asking for emergency contraception.", "sti_pregnancy"),
        # an ordinary fracture is not a sign of abuse
        ("Broken wrist from falling off his scooter.", "injuries_abuse_signs"),
        # a party is not a place the child is moved to for sex
        ("Her aunt is taking her to a birthday party on Saturday.", "moved_for_sex_locally"),
    ],
)
def test_a_topic_word_alone_does_not_state_the_sign(kb: Knowledge, text: str, ident: str) -> None:
    assert ident not in {f.id for f in read(text, kb).indicators}


@pytest.mark.parametrize(
    ("text", "ident"),
    [
        ("He refused to give me his address.", "wont_give_personal_details"),
        ("She won't tell staff her surname.", "wont_give_personal_details"),
        ("Searched on arrival, he was carrying a kitchen knife.", "carrying_drugs_weapons"),
        ("Her attendance has dropped to 60%.", "decline_school_emotional"),
        ("Different men in cars pick her up from the gates.", "adult_collects_child"),
        ("She is 9 weeks pregnant.", "sti_pregnancy"),
    ],
)
def test_the_sign_stated_is_still_taken(kb: Knowledge, text: str, ident: str) -> None:
    assert ident in {f.id for f in read(text, kb).indicators if f.value == "yes"}


# --- present danger: a pattern, a child already safe with the writer, or an age ------


@pytest.mark.parametrize(
    "text",
    [
        "Year 6 boy, collected by a different relative most days; mum works shifts.",
        "She's sitting with me now waiting for her social worker.",
        "Young man, now 17, was moved around by a gang at 14 and is doing well.",
    ],
)
def test_no_present_danger_without_a_danger_now(kb: Knowledge, text: str) -> None:
    assert read(text, kb).present_danger is False


@pytest.mark.parametrize(
    "text",
    [
        "A car is waiting outside for her now.",
        "She's gone missing from the unit tonight.",
        "Men in a van pick him up most days. The van is outside now.",
    ],
)
def test_present_danger_still_heard(kb: Knowledge, text: str) -> None:
    assert read(text, kb).present_danger is True


# --- role: signed off at the end, or told by the work itself ------------------------


@pytest.mark.parametrize(
    ("text", "role"),
    [
        (
            "Girl of 15 keeps turning up with new trainers. Any advice? Practice nurse btw.",
            "health",
        ),
        ("Lad, 14, always has cash on him. (youth worker, Neath)", "other"),
        ("Our 13yo has been going out at night. Foster carer, Fife.", "social_care"),
        ("Head of Year 8 at a school in Leeds. A boy keeps missing Mondays.", "teacher"),
        ("EDT Norfolk. A 16 yo has not come back to her placement.", "social_care"),
        ("I'm on response tonight and found a 15 yo at the station.", "police"),
        ("I'm a postie. A girl of about 12 answers the door at school time.", "other"),
        ("Waking night staff at a children's home. A boy of 14 left at 2am.", "social_care"),
        ("One of my players, 14, has stopped coming to training.", "other"),
    ],
)
def test_role_signed_off_or_told_by_the_work(kb: Knowledge, text: str, role: str) -> None:
    assert read(text, kb).role == role


@pytest.mark.parametrize(
    "text",
    [
        "She says the teacher shouted at her. We are not sure what happened.",
        "A 15 yo was stopped in town. Social worker aware of him.",
    ],
)
def test_a_role_word_that_does_not_sign_off_is_not_the_writer(kb: Knowledge, text: str) -> None:
    assert read(text, kb).role is None


# --- an injury named is not an injury of abuse; a gift explained is not unexplained --


def test_an_injury_named_in_passing_is_not_a_sign(kb: Knowledge) -> None:
    text = "Came in after a fall at the skate park; the account fits the injury."
    assert "injuries_abuse_signs" not in {f.id for f in read(text, kb).indicators}


def test_no_injuries_is_a_no(kb: Knowledge) -> None:
    facts = {f.id: f.value for f in read("Examined her, no visible injuries.", kb).indicators}
    assert facts.get("injuries_abuse_signs") == "no"


def test_a_gift_explained_later_in_the_sentence_is_not_taken(kb: Knowledge) -> None:
    text = "He turned up with new trainers and says they were a present from his nan."
    assert "unexplained_money_phones" not in {f.id for f in read(text, kb).indicators}


# --- an older partner is taken from ages only when the gap is clear -----------------


@pytest.mark.parametrize(
    ("text", "taken"),
    [
        ("She is 17 and her boyfriend is 18, they met at sixth form.", False),
        ("He is 16; his girlfriend is 17.", False),
        ("She is 14 and her boyfriend is 21.", True),
        ("Her boyfriend is 25.", True),  # the child's age unknown: the stated age stands
    ],
)
def test_older_partner_from_ages_needs_a_clear_gap(kb: Knowledge, text: str, taken: bool) -> None:
    facts = {f.id: f.value for f in read(text, kb).indicators}
    assert (facts.get("older_partner") == "yes") is taken


@pytest.mark.parametrize(
    "text",
    [
        "Girl of 15 on the ward, the taxi's outside waiting for her.",
        "Two men brought her in and the men are still here in the corridor.",
        "He says he is going country after school tomorrow.",
    ],
)
def test_present_danger_from_adults_at_hand_or_county_lines_slang(kb: Knowledge, text: str) -> None:
    assert read(text, kb).present_danger is True


def test_men_who_were_there_last_year_are_no_present_danger(kb: Knowledge) -> None:
    assert read("Last year the men were still there most nights.", kb).present_danger is False
