"""Reference numbers and vehicle registrations in a note: NHS numbers, National
Insurance numbers, number plates, and any other long run of digits.

Each ``*_hits(text)`` function yields :class:`Hit` spans; bot/privacy/redact.py ranks
them against the other detectors and replaces them. All patterns are bounded, so no
input makes them backtrack quadratically.

NHS numbers
    Ten digits, usually written 3-3-4 with spaces or hyphens, the last a modulus-11
    check digit (NHS Data Dictionary). After a cue ("NHS", "NHS no", "CHI", "H&C") any
    ten digits are taken, whatever their check digit: a mistyped NHS number still points
    at the child. Without a cue, ten digits written as one run or 3-3-4 are an NHS number
    only when the check digit holds.
Other long numbers (``[number]``)
    Ten digits in that layout that fail the check, and any unbroken run of ten or more
    digits that no other rule took (an account, a card, a reference). Over-redacting
    one of those costs a referral nothing; keeping a real identifier costs a child.
    (A run starting 0, or written after "+", is a phone: bot/privacy/redact.py.)
National Insurance numbers
    Two letters, six digits and a letter A-D, with or without spaces ("QQ 12 34 56 A").
    Without a cue the prefix must be one HMRC issues (HMRC National Insurance Manual
    NIM39110: neither letter D, F, I, Q, U or V; O never second; never BG, GB, KN, NK,
    NT, TN or ZZ). After a cue ("NI", "NINO", "national insurance") any two letters
    are taken and the final letter may be missing, as it often is when typed.
Vehicle registrations
    The current format ("AB12 CDE", since 2001), the prefix format ("R742 KFL",
    1983-2001) and the suffix format ("JFK 431T", 1963-1983). Without a cue only capital
    letters count, and a three-letter group that is a common word ("M62 AND") is not a
    plate, nor is "YR10 ..." (school year shorthand). After a cue ("reg", "plate",
    "car", "van"...) any case counts, and so does a dateless plate ("ABC 123").

Knowingly not caught: an NHS number split any other way with no cue; a plate with no cue
typed in lower case or as a cherished plate ("B16 DAV" is caught, "DAVE 1" is not);
Home Office, police and passport references.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.privacy.kinds import NHS_NUMBER, NI_NUMBER, NUMBER, VEHICLE, Hit

# What may stand between a cue and the number: "NHS no: 943...", "reg is AB12 CDE".
_GAP = r"[ \t:=#.\-–(]{0,4}(?:(?:is|was|of|no\.?|number|num)[ \t:=#.\-–]{1,4}){0,3}"
# A cue is a whole word, not inside a placeholder such as "[NHS number]".
_CUE_START = r"(?<![\w\[])"

# ---- NHS numbers ----------------------------------------------------------------------

_NHS_WEIGHTS = range(10, 1, -1)


def nhs_check_digit_ok(digits: str) -> bool:
    """Whether ten digits pass the NHS modulus-11 check: the first nine weighted
    10 down to 2, summed; 11 minus the remainder mod 11 is the check digit (11 reads
    as 0; 10 means the number is never issued)."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], _NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


_NHS_CUED = re.compile(
    rf"{_CUE_START}(?:nhs|chi|h\s?&\s?c){_GAP}(?P<num>[0-9](?:[ \-]?[0-9]){{9}})(?![0-9])",
    re.IGNORECASE,
)
# Ten digits as one run or as 3-3-4 with the same separator twice.
_TEN = re.compile(r"(?<![0-9])[0-9]{3}(?P<sep>[ \-]?)[0-9]{3}(?P=sep)[0-9]{4}(?![0-9])")
_LONG_RUN = re.compile(r"(?<![0-9])[0-9]{10,}(?![0-9])")


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def cued_nhs_hits(text: str) -> Iterator[Hit]:
    for match in _NHS_CUED.finditer(text):
        yield Hit(match.start("num"), match.end("num"), NHS_NUMBER)


def nhs_hits(text: str) -> Iterator[Hit]:
    """Ten digits in an NHS number's layout whose check digit holds."""
    for match in _TEN.finditer(text):
        if nhs_check_digit_ok(_digits(match.group())):
            yield Hit(match.start(), match.end(), NHS_NUMBER)


def long_number_hits(text: str) -> Iterator[Hit]:
    """Ten digits laid out 3-3-4 (any check digit) and unbroken runs of ten or more."""
    for match in _TEN.finditer(text):
        yield Hit(match.start(), match.end(), NUMBER)
    for match in _LONG_RUN.finditer(text):
        yield Hit(match.start(), match.end(), NUMBER)


# ---- National Insurance numbers -------------------------------------------------------

_NI_BODY = r"[0-9]{2} ?[0-9]{2} ?[0-9]{2}"
_NI_ISSUED = re.compile(
    r"(?<![\w\[])(?!(?:BG|GB|KN|NK|NT|TN|ZZ))"
    rf"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?{_NI_BODY} ?[A-D](?!\w)",
    re.IGNORECASE,
)
_NI_CUED = re.compile(
    rf"{_CUE_START}(?:ni|nino|n\.i\.?|national\s{{1,3}}insurance){_GAP}"
    rf"(?P<num>[A-Z]{{2}} ?{_NI_BODY}(?: ?[A-D])?)(?!\w)",
    re.IGNORECASE,
)


def ni_hits(text: str) -> Iterator[Hit]:
    for match in _NI_CUED.finditer(text):
        yield Hit(match.start("num"), match.end("num"), NI_NUMBER)
    for match in _NI_ISSUED.finditer(text):
        yield Hit(match.start(), match.end(), NI_NUMBER)


# ---- vehicle registrations ------------------------------------------------------------

# DVLA formats. Letters I and Q are never used; Z not in the area code.
_CURRENT = r"[A-HJ-PR-Y]{2}[0-9]{2} ?[A-HJ-PR-Z]{3}"
_PREFIX = r"[A-HJ-NP-Y][1-9][0-9]{0,2} ?(?P<pw>[A-HJ-PR-Z]{3})"
_SUFFIX = r"(?P<sw>[A-HJ-PR-Z]{3}) ?[1-9][0-9]{0,2} ?[A-HJ-NP-Y]"
_DATELESS = r"(?P<dw>[A-Z]{1,3}) ?[1-9][0-9]{0,3}"
_PLATE_END = r"(?![\w'’])"
_PLATE = re.compile(rf"(?<![\w\[@])(?:(?P<current>{_CURRENT})|{_PREFIX}|{_SUFFIX}){_PLATE_END}")
_PLATE_CUE = (
    r"(?:reg(?:istration)?(?:\s{1,3}(?:no\.?|number|plate|mark))?|vrm|vrn"
    r"|(?:number\s{1,3})?plates?|vehicle|car|van|taxi|cab|motorbike|moped|lorry)"
)
_PLATE_CUED = re.compile(
    rf"{_CUE_START}{_PLATE_CUE}{_GAP}"
    rf"(?P<plate>{_CURRENT}|{_PREFIX}|{_SUFFIX}|(?-i:{_DATELESS})){_PLATE_END}",
    re.IGNORECASE,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Three capital letters that are words, not the random letters of a plate.
_WORDS = _words(
    """AND THE FOR BUT NOT NOR YOU ARE WAS HAS HAD HIM HER HIS SHE HES OUT OFF ALL ANY
    CAN DID GET GOT LET MAY NEW NOW OLD ONE OUR OWN SAW SAY SEE TWO WAY WHO WHY YES YET
    AGO AGE BOY MEN MUM DAD CAR BUS VAN TAX BAR PUB HRS MIN MAX TOP END BED DAY LOT ITS
    SET FIT"""
)


def _is_word_plate(match: re.Match[str]) -> bool:
    word = match.group("pw") or match.group("sw") or match.groupdict().get("dw")
    return word is not None and word.upper() in _WORDS


def vehicle_hits(text: str) -> Iterator[Hit]:
    for match in _PLATE_CUED.finditer(text):
        if not _is_word_plate(match):
            yield Hit(match.start("plate"), match.end("plate"), VEHICLE)
    for match in _PLATE.finditer(text):
        if _is_word_plate(match) or (match.group("current") or "").startswith("YR"):
            continue
        yield Hit(match.start(), match.end(), VEHICLE)
