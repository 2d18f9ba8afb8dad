"""Redacting reference numbers, vehicle registrations, usernames and phone numbers
from abroad: the identifiers issue 20 found passing through the note redactor."""

from __future__ import annotations

import pytest

from bot.privacy.redact import redact
from bot.privacy.references import nhs_check_digit_ok


def assert_redacts(typed: str, expected: str, kinds: tuple[str, ...]) -> None:
    result = redact(typed)
    assert result.text == expected
    assert result.found == kinds


def assert_kept(text: str) -> None:
    result = redact(text)
    assert result.text == text
    assert result.found == ()


# Facts a referral needs that sit close to the new patterns: none may be touched.
ORDINARY = [
    "she is 16",
    "aged 16, Year 10",
    "seen at 11pm on 3 April",
    "back by 11:30pm",
    "she was given £50 and a phone",
    "owes £1,200",
    "on 03/04/2024 at 10.30",
    "on 03.04.2024 at 10.30",
    "03 04 2024",
    "born in 2011",
    "ref 12345678",
    "seen 3 times in 2 days",
    "Year 10 and Year 11",
    "AB, 14, Year 9",
    "AB 12 years old",
    "ABC 123",
    "SEEN ON THE M62 AND A1 IN 2023",
    "WATCHED A 3D FILM",
    "she goes to Yr10 set 2",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_numbers_dates_and_codes_are_kept(text: str) -> None:
    assert_kept(text)


# ---- NHS numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("9434765919", True),  # the usual published example
        ("4857773457", True),
        ("7051234560", True),  # a check digit of 0 (11 - 0 -> 0)
        ("9434765918", False),
        ("1234567890", False),
        ("9991234560", False),  # the check digit would be 10: never issued
    ],
)
def test_nhs_modulus_11_check(digits: str, valid: bool) -> None:
    assert nhs_check_digit_ok(digits) is valid


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("NHS no 943 476 5919", "NHS no [NHS number]"),
        ("NHS number: 9434765919", "NHS number: [NHS number]"),
        ("nhs 485-777-3457 on the GP letter", "nhs [NHS number] on the GP letter"),
        ("her NHS number is 705 123 4560.", "her NHS number is [NHS number]."),
        # valid check digit, written as NHS numbers are, with no cue
        ("GP letter gives 943 476 5919 for her", "GP letter gives [NHS number] for her"),
        ("aged 14 943 476 5919", "aged 14 [NHS number]"),
        # a mistyped NHS number after its cue is still hers
        ("NHS no 943 476 5918", "NHS no [NHS number]"),
        # Scotland's CHI number (it starts with the date of birth) and Northern
        # Ireland's H&C number are taken after their cues as well
        ("CHI 0101101234", "CHI [NHS number]"),
        ("H&C number 320 123 4567", "H&C number [NHS number]"),
    ],
)
def test_nhs_numbers(typed: str, expected: str) -> None:
    assert_redacts(typed, expected, ("NHS number",))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # ten digits that fail the check, or longer runs: not an NHS number, but
        # nothing in a referral needs them verbatim (a card, an account, a reference)
        ("ref 943 476 5918 on the letter", "ref [number] on the letter"),
        ("paid from account 9434765918", "paid from account [number]"),
        ("card 4929123456789012", "card [number]"),
    ],
)
def test_other_long_numbers_are_taken_out(typed: str, expected: str) -> None:
    assert_redacts(typed, expected, ("number",))


# ---- National Insurance numbers -------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("NI number AB 12 34 56 C", "NI number [NI number]"),
        ("NINO: AB123456C", "NINO: [NI number]"),
        ("ni no ab123456c", "ni no [NI number]"),
        (
            "his national insurance number is JG 10 37 52 A",
            "his national insurance number is [NI number]",
        ),
        ("works cash in hand under NI CE123456D.", "works cash in hand under NI [NI number]."),
        # the suffix is often left off; after a cue the number is still taken
        ("NI no. AB 12 34 56", "NI no. [NI number]"),
        # HMRC's own example prefix is not issued, but after a cue it is taken anyway
        ("NINO QQ 12 34 56 A", "NINO [NI number]"),
        ("uses someone else's, JG103752A", "uses someone else's, [NI number]"),
    ],
)
def test_national_insurance_numbers(typed: str, expected: str) -> None:
    assert_redacts(typed, expected, ("NI number",))


@pytest.mark.parametrize(
    "text",
    [
        "GB123456A",  # prefixes HMRC never issues, with no cue
        "QQ123456A",
        "AB123456",  # no suffix and no cue: a reference of some other kind
    ],
)
def test_codes_that_cannot_be_ni_numbers_without_a_cue(text: str) -> None:
    assert "NI number" not in redact(text).found


# ---- vehicle registrations ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("reg AB12 CDE", "reg [vehicle registration]"),
        (
            "a silver Audi, YX71 OPA, outside school",
            "a silver Audi, [vehicle registration], outside school",
        ),
        ("black BMW reg LB07SEO", "black BMW reg [vehicle registration]"),
        ("car reg ab12 cde", "car reg [vehicle registration]"),
        ("number plate: yr19 tkf", "number plate: [vehicle registration]"),
        ("an old Corsa R742 KFL", "an old Corsa [vehicle registration]"),  # 1983-2001
        ("an old Escort JFK 431T", "an old Escort [vehicle registration]"),  # 1963-1983
        ("plate was ABC 123", "plate was [vehicle registration]"),  # dateless, cued
    ],
)
def test_vehicle_registrations(typed: str, expected: str) -> None:
    assert_redacts(typed, expected, ("vehicle registration",))


def test_a_postcode_is_still_a_postcode_and_a_plate_a_plate() -> None:
    assert_redacts(
        "van LS12 ABC seen at LS12 3AB",
        "van [vehicle registration] seen at [postcode]",
        ("vehicle registration", "postcode"),
    )


# ---- usernames ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("messages from @tyler_b99", "messages from [username]"),
        ("his snap is tylerb99", "his snap is [username]"),
        ("snap: tyler.b", "snap: [username]"),
        ("Snapchat name: bigdave", "Snapchat name: [username]"),
        ("sc: kyle_x", "sc: [username]"),
        ("insta kyle.b_01 follows her", "insta [username] follows her"),
        ("tiktok @x_kid", "tiktok [username]"),
        ("added him on instagram (user: lil.t)", "added him on instagram (user: [username])"),
        ("IG - princess_xo", "IG - [username]"),
        ("telegram @dave2024 sends her jobs", "telegram [username] sends her jobs"),
        ("his snap name is tyler", "his snap name is [username]"),
        ("username is bigdave", "username is [username]"),
    ],
)
def test_usernames(typed: str, expected: str) -> None:
    assert_redacts(typed, expected, ("username",))


@pytest.mark.parametrize(
    "text",
    [
        "she is always on Snapchat",
        "met him on insta last week",
        "snap maps showed her in Leeds",
        "tiktok videos of her dancing",
        "seen @ 11pm",
        "meet @11pm",
        "she was @home all weekend",
        "sc: referral made",
        "SC meeting on Tuesday",
        "her instagram is full of messages from men",
        "his snap was deleted",
    ],
)
def test_words_near_apps_are_kept(text: str) -> None:
    assert_kept(text)


def test_an_email_stays_an_email() -> None:
    assert_redacts("email tyler@example.com", "email [email]", ("email",))


# ---- phone numbers from abroad --------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "091 234 5678",  # a Vietnamese mobile as written at home
        "0712 345 678",  # Romanian
        "069 123 4567",  # Albanian
        "0712-345-678",
        "(+33) 6 12 34 56 78",
        "0040 712 345 678",
        "00 355 69 123 4567",
        "+1 (555) 123-4567",
        "+355 69 123 4567",
    ],
)
def test_phone_numbers_from_abroad(number: str) -> None:
    assert_redacts(
        f"her mum abroad is on {number} most days",
        "her mum abroad is on [phone] most days",
        ("phone",),
    )


def test_all_the_new_kinds_in_one_note() -> None:
    typed = (
        "NHS no 943 476 5919, NI AB 12 34 56 C. Picked up in YX71 OPA by a man "
        "whose snap is tylerb99; he rang her from 091 234 5678 at 11pm and gave her £50."
    )
    result = redact(typed)
    assert result.text == (
        "NHS no [NHS number], NI [NI number]. Picked up in [vehicle registration] by a man "
        "whose snap is [username]; he rang her from [phone] at 11pm and gave her £50."
    )
    assert result.found == ("NHS number", "NI number", "vehicle registration", "username", "phone")
    assert redact(result.text) == type(result)(result.text, ())
