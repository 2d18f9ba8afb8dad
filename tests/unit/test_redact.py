"""The note redactor: what it removes, what it must keep, and that it never breaks."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.privacy.redact import redact


@pytest.mark.parametrize(
    ("note", "placeholder"),
    [
        ("rang from 07700 900123 last night", "[phone]"),
        ("rang from 07700900123", "[phone]"),
        ("number +44 7700 900123", "[phone]"),
        ("call +44 (0)20 7946 0000", "[phone]"),
        ("office 020 7946 0000", "[phone]"),
        ("call 0121-496-0000", "[phone]"),
        ("call (0161) 496 0000", "[phone]"),
        ("write to tom.b@example.co.uk", "[email]"),
        ("lives near SW1A 1AA", "[postcode]"),
        ("moved to m1 1ae", "[postcode]"),
        ("at B338TH now", "[postcode]"),
        ("DOB 03/04/2011", "[date of birth]"),
        ("d.o.b. 3.4.11", "[date of birth]"),
        ("born on 3 April 2011", "[date of birth]"),
        ("date of birth: 2011-04-03", "[date of birth]"),
        ("stays at 12 Acacia Road", "[address]"),
        ("flat 3, 4 Mill Lane", "[address]"),
        ("Mr Smith collected her", "[name]"),
        ("Mrs J Patel is the carer", "[name]"),
        ("a man called Tom Jones", "[name]"),
        ("her uncle Tom waits outside", "[name]"),
        ("Sarah Jones picked him up", "[name]"),
    ],
)
def test_identifiers_become_placeholders(note: str, placeholder: str) -> None:
    result = redact(note)
    assert placeholder in result.text
    assert placeholder.strip("[]") in result.found


@pytest.mark.parametrize(
    "note",
    [
        "she is 14",
        "it happened in 2023",
        "collected at 10:30",
        "he has 3 phones",
        "I called 999 and then 101",
        "J told me, and AB agreed",
        "She said the man was nice to her",
        "The man came from Manchester to Cardiff",
        "went missing on 3 April 2024",  # a date that matters, not a birth date
        "I spoke to the NSPCC and CEOP",
    ],
)
def test_ordinary_details_are_kept_exactly(note: str) -> None:
    result = redact(note)
    assert result.text == note and result.found == ()


def test_kinds_are_listed_once_in_order_of_first_appearance() -> None:
    result = redact("Mr Smith on 07700 900123, then Mrs Patel on 07700 900456, SW1A 1AA")
    assert result.found == ("name", "phone", "postcode")


def test_everything_else_is_kept_as_typed() -> None:
    note = "  He said:\n 'call me on 07700 900123'!  "
    assert redact(note).text == "  He said:\n 'call me on [phone]'!  "


def test_a_realistic_note() -> None:
    note = (
        "Spoke to her this morning. She says her cousin Amir Khan (07700 900123)\n"
        "picks her up from 12 Acacia Road, CR2 6XH and takes her to work.\n"
        "DOB 03/04/2011. Email from the man: a.khan@example.com. She is 14."
    )
    result = redact(note)
    for secret in ("Amir", "Khan", "900123", "Acacia", "CR2 6XH", "03/04/2011", "example.com"):
        assert secret not in result.text
    assert "She is 14." in result.text and "Spoke to her this morning." in result.text
    assert set(result.found) == {"name", "phone", "address", "postcode", "date of birth", "email"}


def test_redacting_twice_changes_nothing_more() -> None:
    once = redact("Mr Smith, 07700 900123, SW1A 1AA, DOB 1/2/2012")
    assert redact(once.text).text == once.text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_on_any_text(text: str) -> None:
    result = redact(text)
    assert isinstance(result.text, str)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="abc ,.\n", max_size=40),
    st.from_regex(r"07[0-9]{3} ?[0-9]{6}", fullmatch=True),
    st.text(alphabet="abc ,.\n", max_size=40),
)
def test_a_uk_mobile_never_survives(before: str, mobile: str, after: str) -> None:
    result = redact(f"{before} {mobile} {after}")
    assert not re.search(r"07\d{3} ?\d{6}", result.text)


def test_very_long_and_odd_input() -> None:
    assert redact("").text == ""
    assert redact("\x00\u200b🙂" * 1000).found == ()
    long = "She was seen at the shop. " * 4000  # about 100 kB
    assert redact(long).text == long
