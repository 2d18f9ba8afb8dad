"""Names the first rules missed (issue 20): one first name with a cue on either side
of it, a relationship at the start of a sentence, and a lower-case name after
"his name is". The facts around them (places, nationalities, services) are kept."""

from __future__ import annotations

import pytest

from bot.privacy.redact import redact


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # a first name, then what that person did
        ("Amira told me she was scared", "[name] told me she was scared"),
        ("Kyle picks her up from school", "[name] picks her up from school"),
        ("Dritan drives a black Audi.", "[name] drives a black Audi."),
        ("She said Besnik gave her the phone", "She said [name] gave her the phone"),
        ("Mo texted her at 11pm", "[name] texted her at 11pm"),
        ("Dritan hit her when she refused.", "[name] hit her when she refused."),
        ("Then Kyle forced her to hold a bag.", "Then [name] forced her to hold a bag."),
        ("Amira's friend Jade told staff", "[name]'s friend [name] told staff"),
        # a first name after "with", "by", "met"...
        ("She was with Kyle last night", "She was with [name] last night"),
        ("picked up by Dritan after school", "picked up by [name] after school"),
        ("she met Tyler online", "she met [name] online"),
        ("Later she rang Kyle.", "Later she rang [name]."),
        ("She stays with Dritan and Besnik in Leeds", "She stays with [name] and [name] in Leeds"),
        # a relationship starting a sentence, with no "her" or "his"
        ("Boyfriend Kyle picks her up", "Boyfriend [name] picks her up"),
        # lower case after a naming cue
        ("his name is kai", "his name is [name]"),
        ("a man named dritan", "a man named [name]"),
        ("met a man called dritan", "met a man called [name]"),
        ("known as lil", "known as [name]"),
    ],
)
def test_names_the_first_rules_missed(typed: str, expected: str) -> None:
    result = redact(typed)
    assert result.text == expected
    assert result.found == ("name",)


@pytest.mark.parametrize(
    "text",
    [
        # places, nationalities, languages: the referral needs them
        "She works at a nail bar in Birmingham with Albanian men.",
        "Vietnamese boy found in a cannabis farm in Skegness.",
        "Seen with Kurdish men in Dover.",
        "She was with Romanian women at the car wash.",
        "Albanian men told her to work.",
        "Seen with Roma families and Eritrean boys.",
        "She was seen with Skegness lads at the arcade.",
        "He works at a car wash in Walsall owned by Albanians.",
        "Picked up by Premier Inn staff.",
        "He speaks Tigrinya with Eritrean friends.",
        # people who are not named
        "Police told me she was found.",
        "Mum said she came home at 11pm.",
        "Someone told me she was scared.",
        "Nobody said anything. Everyone knew.",
        "Staff said she looked tired.",
        "Security rang the police.",
        "Neighbours said men come and go.",
        "Taxi drove her to Leeds.",
        "Childline said to call back.",
        "Brook said she could come to the clinic.",
        "She called back later.",
        "Told me she was scared.",
        "Said she owed money.",
        # a common word starting a sentence, before a verb that is also a noun
        "Recognise forced marriage as a purpose of trafficking.",
        "Online offers of work abroad.",
        # services, apps and days after "with" or "by"
        "She was seen by Housing and with Probation.",
        "She was with Police Scotland by Monday.",
        "She struggles with Maths and English.",
        "Contact by Snapchat and WhatsApp.",
        "Dropped off by Uber at 2am.",
        "Back by Christmas, she said.",
        # "goes by" a means of transport
        "she goes by bus",
        "name is unknown",
        "his name is not known",
    ],
)
def test_facts_around_names_are_kept(text: str) -> None:
    result = redact(text)
    assert result.text == text
    assert result.found == ()
