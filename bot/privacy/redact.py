"""Take identifying details out of a professional's free-text note before it is stored.

``redact(text)`` returns a :class:`Redacted`: the note with each identifier replaced by a
placeholder naming its kind, and the kinds replaced in order of first appearance. Every
other character is kept exactly as typed. It is pure (no I/O after the first call builds
the spaCy pipeline), deterministic and idempotent: redacting redacted text changes nothing.

Caught
    ``[phone]``  UK numbers in the usual written forms (mobiles and landlines, with
        spaces, hyphens or dots, area codes in brackets, +44 with or without "(0)",
        00 44), freephone and helpline numbers, including the short ones in the
        sourced contacts (in a note they are still numbers typed about a child; the
        tests show each form), any number written with a leading ``+`` or ``00``
        country code (brackets included: "(+33) 6 12..."), numbers from abroad written
        as at home (a leading 0 in a first group of 3 to 5 digits, spaces or hyphens,
        10 or 11 digits: "09x xxx xxxx", "07xx xxx xxx"), and any unbroken run of ten
        or more digits starting with 0. Numbers are checked against UK number lengths
        and ranges, so ages, years, times, dates, counts and short numbers (999, 101,
        111, 116 000) are kept.
    ``[email]``  name@domain.tld.
    ``[postcode]``  full UK postcodes, any case, with or without the space. An outward
        code alone ("M1") is kept: it names an area, not a home.
    ``[date of birth]``  a date (03/04/2011, 3.4.11, 2011-04-03, 3rd April 2011, April 3,
        2011) that follows a birth cue (DOB, d.o.b., date of birth, born, birthday). The
        cue is kept. A date with no birth cue is kept: when a child went missing matters
        to the referral. A year or month and year of birth alone is kept (it is the age).
    ``[address]``  a house number and a street: "12 Acacia Road", "flat 3, 4 Mill Lane",
        "12a High St", "5 Heol y Felin".
    ``[NHS number]``, ``[NI number]``, ``[vehicle registration]``, ``[number]``  see
        bot/privacy/references.py: NHS numbers (modulus-11 check, or any ten digits
        after "NHS"), National Insurance numbers, number plates, and other runs of ten
        or more digits.
    ``[username]``  "@tyler_b99", "snap: tyler", "insta kyle.b_01": see
        bot/privacy/usernames.py. The app's name is kept.
    ``[name]``  see below. The cue is kept: "Mrs [name]", "her uncle [name]".

Names are found by rules on spaCy tokens (a blank English pipeline, no downloaded
model), so the behaviour is predictable, reviewable and fast, and some names will be
missed; that is why the assistant also asks users to write initials. (A trained
named-entity model as a second detector was considered for issue 20; none that can be
checked against hashes its publisher gives, for the installed spaCy, is available from
the project's package registry.) A name is:

* a title then one to three capitalised words or initials: Mr Smith, Mrs J Patel,
  Dr Okafor, PC Jones, Uncle Mo (and "mr smith" typed in lower case);
* capitalised words after a naming cue: called, named, known as, name is, goes by, aka;
  one lower-case word after "name is", "named", "known as", "aka" ("his name is kai"),
  and after "called" when a person comes first ("a man called dritan");
* one or two capitalised words after a relationship: "her uncle Tom", "his older
  brother Sam Lee", "mum's boyfriend Tyler", "Boyfriend Kyle..." opening a sentence;
  and the owner in "Tom's brother";
* two or more consecutive capitalised words ("Sarah Jones", "J Smith") unless they
  are a listed place, organisation, app, month, weekday, role or note heading, part
  of an organisation or place name ("Leeds City Council", "Oak Hill Academy",
  "Greater Manchester Police"), or a common word starting a sentence ("Told Sarah");
* one capitalised word standing alone with a cue on either side: a person's verb after
  it ("Amira told me", "Kyle picks her up", "Dritan then drove") or "with", "by",
  "met", "told", "rang" before it ("she was with Kyle"), and the next in "with Dritan
  and Besnik". Not when the word is a listed place, nationality (or its plural),
  language, faith, school subject, car make, brand, service or a word for people who
  are not named ("Someone told me", "Taxi drove her", "Security rang"), nor before a
  group noun ("with Skegness lads"). The word lists are in bot/privacy/name_cues.py.

Knowingly not caught: a single first name with no cue ("Tom came in", "we think Kyle is
involved"); names typed in lower case after a relationship ("her boyfriend tyler") or
with no cue, or in ALL CAPS (other than after mr/mrs/ms/mx); names that are also listed
words ("Christian said", "Brook said", "with Mercedes"); names in non-Latin scripts; a
street without a house number, as an address; a date of birth with no cue or with the
cue after it; spelt-out or disguised numbers and emails ("tom at gmail dot com");
Home Office, police and passport references (see references.py and usernames.py for
what each of those misses). A two-word name whose first word is a listed month or place
("April Jones", "May Lee") is missed unless a cue precedes it. Numbers with the wrong
count of digits are kept unless typed as one unbroken run. Knowingly over-caught: an
unlisted capitalised phrase ("Case Review Panel", "Nike Trainers"), a street with no
number whose type is also a surname ("Mill Lane", "Oak Park"), and an unlisted place
or brand with a cue beside it ("picked up by Costa", "Skegness told us") are replaced
as [name].
Initials on their own ("J", "J.S.", "AB") are kept on purpose: the project asks users to
use them instead of names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import spacy
from spacy.attrs import IDX, LENGTH, SPACY
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from bot.nlp.build import PATTERN_DIR, load_patterns
from bot.privacy import name_cues
from bot.privacy.kinds import (
    ADDRESS,
    DATE_OF_BIRTH,
    EMAIL,
    KINDS,
    NAME,
    PHONE,
    POSTCODE,
    Hit,
    placeholder,
)
from bot.privacy.references import (
    cued_nhs_hits,
    long_number_hits,
    nhs_hits,
    ni_hits,
    vehicle_hits,
)
from bot.privacy.usernames import username_hits

__all__ = ["KINDS", "Redacted", "placeholder", "redact"]


@dataclass(frozen=True)
class Redacted:
    """A redacted note and the kinds of identifier taken out, first seen first."""

    text: str
    found: tuple[str, ...] = ()


# Every quantifier below is bounded or cannot overlap its neighbour, so no input (100 kB
# of spaces, digits or "a.a.a.") makes a pattern backtrack quadratically.

# ---- phones ---------------------------------------------------------------------------

# Digits with the separators people type between them; which part is a phone is decided
# in Python, because "aged 14" followed by a mobile number is one run holding one number.
_NUMBERISH = re.compile(r"(?:\(?\+|\()?[0-9](?:[ \t\u00a0().\-]{0,3}[0-9])*")
_DIGITS = re.compile(r"[0-9]+")
_MAX_DIGITS = 15  # the longest number E.164 allows


@lru_cache(maxsize=1)
def _contact_numbers() -> frozenset[str]:
    """The digits of every phone number in the sourced contacts: some are shorter
    than UK number lengths (Childline's has 8 digits) and are still numbers."""
    from bot.runtime import knowledge

    return frozenset(
        re.sub(r"[^0-9]", "", c.phone) for c in knowledge().contacts.values() if c.phone
    )


def _uk_significant(nsn: str) -> bool:
    """A UK national significant number: the digits after the trunk 0 or +44."""
    if not nsn or nsn[0] not in "1235789":  # 04 and 06 are unused
        return False
    # 10 digits, or 9 for some 01 areas and 0800 numbers.
    return len(nsn) == 10 or (len(nsn) == 9 and nsn[0] in "18")


def _is_phone(digits: str, plus: bool) -> bool:
    if plus or digits.startswith("00"):
        rest = digits if plus else digits[2:]
        if rest.startswith("44"):
            nsn = rest[2:]
            return _uk_significant(nsn[1:] if nsn.startswith("0") else nsn)  # +44 (0)20
        return rest[:1] not in ("", "0") and 8 <= len(rest) <= _MAX_DIGITS
    return digits in _contact_numbers() or (digits.startswith("0") and _uk_significant(digits[1:]))


# Separators a number from abroad may be written with: not dots or brackets, which
# dates and times use.
_ABROAD_SEPARATORS = frozenset(" -\u00a0")


def _national_abroad(run: str, groups: list[tuple[int, int]], i: int) -> int | None:
    """The last digit group of a number written as it is at home abroad ("09x xxx xxxx"
    in Vietnam, "07xx xxx xxx" in Romania, "06x xxx xxxx" in Albania): a trunk 0 leading
    a first group of 3 to 5 digits, groups split by spaces or hyphens, 10 or 11 digits
    in all. A date ("03 04 2011") starts with a shorter group and has fewer digits."""
    g_start, g_end = groups[i]
    if run[g_start] != "0" or not 3 <= g_end - g_start <= 5:
        return None
    count, best = 0, None
    for j in range(i, len(groups)):
        if j > i and not _ABROAD_SEPARATORS.issuperset(run[groups[j - 1][1] : groups[j][0]]):
            break
        count += groups[j][1] - groups[j][0]
        if count > 11:
            break
        if count >= 10:
            best = j
    return best


def _phone_from(run: str, groups: list[tuple[int, int]], i: int) -> tuple[int, int, int] | None:
    """The longest phone starting at digit group ``i``: (start, end, next group) or None."""
    first = groups[i][0]
    plus = first > 0 and run[first - 1] == "+"
    if not plus and run[first] != "0":
        return None
    start = first - 1 if plus else first
    digits = ""
    best = None
    for j in range(i, len(groups)):
        digits += run[groups[j][0] : groups[j][1]]
        if len(digits) > _MAX_DIGITS:
            break
        if len(digits) >= 8 and _is_phone(digits, plus):
            best = j
    if best is None and not plus:
        best = _national_abroad(run, groups, i)
    if best is None:
        # Ten or more unbroken digits starting 0 (or after +) are a mistyped phone or
        # another reference number; nothing in a referral needs them verbatim.
        g_start, g_end = groups[i]
        if g_end - g_start < 10 or not (plus or run[g_start] == "0"):
            return None
        best = i
    end = groups[best][1]
    if start > 0 and run[start - 1] == "(" and ")" in run[start:end]:
        start -= 1  # an area code in brackets, but not a bracket around a whole mobile
    return start, end, best + 1


def _phones(text: str) -> Iterator[Hit]:
    for match in _NUMBERISH.finditer(text):
        run = match.group()
        groups = [(g.start(), g.end()) for g in _DIGITS.finditer(run)]
        i = 0
        while i < len(groups):
            phone = _phone_from(run, groups, i)
            if phone is None:
                i += 1
                continue
            start, end, i = phone
            yield Hit(match.start() + start, match.start() + end, PHONE)


# ---- emails and postcodes -------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.%+\-])[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}(?![\w\-])")

_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])"
    r"(?:GIR[ \u00a0]?0AA"
    r"|[A-PR-UWYZ][A-HK-Y]?[0-9][A-Z0-9]?[ \u00a0]?(?P<inward>[0-9][ABD-HJLNP-UW-Z]{2}))"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_ORDINAL = {"1": "st", "2": "nd", "3": "rd"}


def _postcodes(text: str) -> Iterator[Hit]:
    for match in _POSTCODE.finditer(text):
        inward = match.group("inward")
        # "y9 2nd", "a1 1st": an ordinal typed in lower case, not an inward code.
        # (Upper case "B33 8TH" is a real postcode and is kept as one.)
        if inward and inward[1:] == _ORDINAL.get(inward[0], "th"):
            continue
        yield Hit(match.start(), match.end(), POSTCODE)


# ---- dates of birth -------------------------------------------------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:[0-9]{4}|[0-9]{2})"
_DATE = (
    rf"(?:[0-9]{{1,2}}[/.\- ][0-9]{{1,2}}[/.\- ]{_YEAR}"
    rf"|[0-9]{{4}}[/.\-][0-9]{{1,2}}[/.\-][0-9]{{1,2}}"
    rf"|(?:the\s{{1,3}})?{_DAY}(?:\s{{1,3}}of)?[\s\-]{{1,3}}{_MONTH}(?:,?[\s\-]{{1,3}}{_YEAR})?"
    rf"|{_MONTH}\s{{1,3}}(?:the\s{{1,3}})?{_DAY}(?:,?\s{{1,3}}{_YEAR})?)"
)
_SEP = r"[\s:=\-–—(),]{0,4}"
_GAP_WORD = (
    r"(?:is|was|on|the|of|given|as|stated|recorded|reported|approx\.?|approximately"
    r"|possibly|maybe|probably|around|about|circa|c\.|unverified|claimed|claims|says"
    r"|said|believed|thought|to\s{1,3}be)"
)
_BORN_IN = r"(?:in\s{1,3}(?-i:[A-Z][\w'\-]*)(?:\s{1,3}(?-i:[A-Z][\w'\-]*))?)?"
_DOB = re.compile(
    r"(?<!\w)(?:d\.?\s?o\.?\s?b\b\.?|date\s{1,3}of\s{1,3}birth|birth\s?date|born|birthday|b-?day)"
    rf"{_SEP}(?:{_GAP_WORD}{_SEP}){{0,4}}{_BORN_IN}{_SEP}(?:{_GAP_WORD}{_SEP}){{0,3}}"
    rf"(?P<date>{_DATE})(?!\w)",
    re.IGNORECASE,
)


def _dates_of_birth(text: str) -> Iterator[Hit]:
    for match in _DOB.finditer(text):
        yield Hit(match.start("date"), match.end("date"), DATE_OF_BIRTH)


# ---- addresses ------------------------------------------------------------------------

_STREET = (
    r"(?:road|rd|street|st|lane|ln|avenue|ave|close|drive|dr|way|court|ct|crescent|cres"
    r"|place|pl|grove|gardens|gdns|terrace|hill|park|square|sq|walk|row|mews|green|rise"
    r"|view|parade|vale|croft|boulevard|mount|wharf|yard|gate|wynd|brae|circus|quay"
    r"|fields|meadows?|approach|chase|dale|end|side|hollow|passage|path)"
)
_CAP_WORD = r"(?-i:[A-Z][\w'’\-]*)"
_HOUSE = (
    r"(?:(?:flat|apartment|apt|unit|room)\.?\s{1,3}[0-9]{1,4}[a-z]?,?\s{1,3}"
    r"|(?:no\.?|number)\s{1,3})?"
    r"[0-9]{1,3}[a-z]?(?:\s{0,2}[-–/]\s{0,2}[0-9]{1,3}[a-z]?)?"
)
_ADDRESS = re.compile(
    rf"(?<![\w/.:£$€])(?:{_HOUSE}),?\s{{1,3}}"
    rf"(?:(?:{_CAP_WORD}\.?\s{{1,3}}){{1,3}}{_STREET}\b"
    rf"|(?:heol|ffordd|stryd|lôn|lon|rhodfa|cilgant)\s{{1,3}}(?:(?:y|yr)\s{{1,3}})?"
    rf"{_CAP_WORD}(?:\s{{1,3}}{_CAP_WORD})?)",  # Welsh: the street type comes first
    re.IGNORECASE,
)


def _addresses(text: str) -> Iterator[Hit]:
    for match in _ADDRESS.finditer(text):
        yield Hit(match.start(), match.end(), ADDRESS)


# ---- word lists for names -------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _phrases(text: str) -> list[str]:
    """ "|"-separated phrases, whitespace normalised."""
    return [" ".join(phrase.split()) for phrase in text.split("|")]


# Never part of a name, wherever they stand.
_NEVER = _words(
    """a an the and or but nor if of in on at to for from by with without about after
    before since until into onto over under between during via per as than then so not
    no yes is was are were be been am has had have do does did can could would should
    must shall might i me my mine we us our you your he him his she her hers they them
    their it its this that these those there here who whom whose what which when where
    why how all any some every each both either neither very too also just only still
    again ok okay please thanks thank hi hello dear unknown unnamed withheld unclear
    redacted none tbc tba"""
)

# Capitalised words that are not names: they break a run of capitalised words.
_STOP = _NEVER | _words(
    """england wales scotland ireland britain uk gb london birmingham manchester liverpool
    leeds sheffield bristol newcastle nottingham leicester coventry bradford hull stoke
    southampton portsmouth plymouth brighton hove reading oxford cambridge norwich ipswich
    peterborough luton northampton derby wolverhampton walsall dudley
    sandwell solihull sunderland middlesbrough durham york doncaster rotherham barnsley
    wakefield huddersfield halifax blackburn blackpool bolton bury oldham rochdale
    salford stockport wigan exeter gloucester cheltenham
    swindon bath worcester hereford telford shrewsbury warrington crewe grimsby
    scunthorpe chelmsford colchester southend basildon slough watford guildford maidstone
    canterbury dover folkestone margate medway chatham
    gillingham rochester bournemouth poole swansea cardiff newport wrexham bangor
    aberystwyth glasgow edinburgh aberdeen dundee inverness stirling perth paisley belfast
    derry londonderry armagh newry lisburn kent essex surrey sussex hampshire dorset devon
    cornwall somerset wiltshire berkshire oxfordshire buckinghamshire hertfordshire
    bedfordshire cambridgeshire norfolk suffolk lincolnshire nottinghamshire derbyshire
    leicestershire northamptonshire warwickshire staffordshire shropshire cheshire
    lancashire yorkshire cumbria northumberland northumbria merseyside cleveland
    humberside gloucestershire worcestershire herefordshire gwent powys dyfed midlands
    croydon islington camden lambeth southwark hackney newham lewisham greenwich
    tottenham brixton peckham stratford wembley ealing brent barnet enfield haringey
    wandsworth westminster kensington chelsea heathrow gatwick stansted calais europe
    albania vietnam romania eritrea sudan afghanistan nigeria poland iran iraq syria
    ukraine china india pakistan bangladesh kurdistan somalia ethiopia ghana morocco
    libya egypt turkey france belgium germany italy greece spain africa asia
    nspcc ceop ecpat childline barnardo barnardos crimestoppers samaritans nca nhs camhs
    mash dsl gp a&e nrm ictg lado edt yot spoc cse cce csc ukvi dfe ofsted unicef iwf
    unseen fearless kooth salvation
    snapchat instagram insta tiktok whatsapp facebook messenger telegram signal discord
    roblox fortnite minecraft xbox playstation youtube twitter google apple iphone
    android samsung uber deliveroo tesco asda sainsburys lidl aldi primark boots greggs
    starbucks mcdonalds kfc amazon paypal monzo revolut moneygram
    january february march april may june july august september october november
    december feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur
    thurs fri sat sun christmas easter eid ramadan diwali halloween today tonight
    yesterday tomorrow morning afternoon evening night weekend week month year term
    mr mrs ms mx dr prof miss sir dame lady lord rev revd imam
    pastor st saint mum mom mam dad mother father parent parents carer carers foster
    guardian child children kid kids person people boy boys girl girls man men
    woman women male female adult adults teen teenager baby sibling siblings brother
    sister uncle aunt auntie aunty cousin nan nana grandad grandma family friend friends
    boyfriend girlfriend partner staff teacher teachers headteacher head deputy tutor
    pupil pupils student students class form officer officers worker workers social
    nurse doctor paramedic manager lead designated detective constable sergeant inspector
    pc dc ds di dci pcso sgt victim suspect perpetrator
    notes note case summary update updates concern concerns incident report reports
    action actions outcome outcomes background details detail information info record
    log chronology date time location address phone mobile email name dob age gender
    subject re ref reference risk risks high medium low urgent immediate danger next
    steps step agreed decision other additional further initial strategy section
    response contact contacts regards sent cc attn fao"""
)

# A capitalised word that ends an organisation's or a place's name: the capitalised
# words before it in the same run belong to it ("Leeds City Council", "Oak Academy").
# Street types that are also common surnames (Lane, Hill, Park, Green...) are left out,
# so "Sarah Park" stays a name.
_HEADS = _words(
    """road rd street avenue ave drive crescent terrace gardens square boulevard mews
    parade estate way close place court school academy college university uni nursery
    hospital clinic surgery practice centre center station police council services service
    team unit trust board partnership office agency authority department ministry
    government church mosque temple gurdwara synagogue hotel motel airport port prison
    shop store market mall cafe café restaurant takeaway bar pub club gym hub house home
    inn lodge
    hostel refuge shelter accommodation flats towers tower project charity foundation
    society network group ltd limited plc inc helpline line lines act mechanism
    procedures procedure guidance protection exploitation trafficking slavery abuse
    safeguarding care help meeting conference discussion plan assessment referral order
    army force forces commission commissioner union bank library cinema stadium arena
    bus train tube underground metro campus"""
)

# Common words a sentence may start with, capitalised only because they start it:
# "Told Sarah" is not a two-word name. Only dropped at the start of a sentence, because
# some are surnames too (Young, Said).
_STARTERS = _words(
    """told asked said says saw seen met meet spoke speak called rang phoned texted
    emailed messaged contacted informed advised visited attended arrived left went came
    returned found located reported disclosed presented appeared appears seems seemed
    looked noticed observed heard believes believed thinks thought knows knew wants
    wanted needs needed gave given took taken picked dropped collected collects drove
    drives lives lived stays stayed staying living going coming missing running later
    earlier afterwards recently previously currently now again maybe perhaps possibly
    probably apparently allegedly reportedly unfortunately luckily however although
    though because while whilst once several many most few lots another others even
    sorry well concerned worried worry important new old little big older younger local
    nearby outside inside near last first second third final following according
    regarding ask tell call check ensure make keep let spoken discussed agreed
    confirmed explained shared raised young kind best"""
)

_TITLES_ANY_CASE = ["mr", "mrs", "ms", "mx", "dr", "prof", "mr.", "mrs.", "ms.", "mx.", "dr."]
_TITLES_LOWER_NAME = frozenset({"mr", "mrs", "ms", "mx", "mr.", "mrs.", "ms.", "mx."})
_TITLES_CAPITALISED = _words(
    """Miss Sir Dame Lady Lord Rev Rev. Revd Imam Pastor Sister Brother
    PC DC DS DI DCI DCS Sgt Sgt. Insp Insp. PCSO Cllr Officer Detective Sergeant Inspector
    Constable Nurse Uncle Auntie Aunty Aunt Nan Nana Nanna Grandma Grandad Granddad Grandpa
    Cousin"""
)
_POSSESSIVES = _words("his her their my our your the a 's ’s")
# Words that may stand between the possessive and the relationship: "her 19 year old
# boyfriend", "his so-called uncle", "her "uncle"".
_MODIFIERS = _words(
    """older younger elder eldest oldest youngest big little baby twin new ex current
    former best close so - called step half foster adoptive birth biological maternal
    paternal male female adult alleged supposed claimed apparent self styled family
    online social key support youth case year years yr yrs old " ' “ ” ‘ ’"""
)
_RELATIONS = _words(
    """uncle aunt auntie aunty cousin brother bro sister sis sibling boyfriend girlfriend
    bf gf partner fiance fiancé fiancee husband wife mum mom mam mother dad father
    stepdad stepmum stepmom stepfather stepmother stepbrother stepsister grandad granddad
    grandfather grandpa grandma grandmother gran nan nana nanna grandparent friend mate
    pal neighbour neighbor carer guardian parent landlord landlady employer boss manager
    sponsor agent contact associate driver teacher keyworker worker"""
)
_NAMING_WORDS = ["name", "names", "nickname", "surname", "forename", "firstname", "lastname"]
_NAMING_VERBS = ["is", "was", "'s", "’s", ":", "-", "="]
_PRONOUNS = ["himself", "herself", "themselves", "themself", "him", "her", "them", "me"]

# Cues are fixed words or word pairs, matched by a PhraseMatcher on lower case (a hash
# look-up per token; a token-pattern Matcher was most of the time spent). What precedes
# a relationship and what follows a cue is read in Python.
_CUE_PHRASES: dict[str, list[str]] = {
    "TITLE": sorted(_TITLES_ANY_CASE),
    # Checked against the exact spelling after matching: "Miss Ali" is a title, "miss
    # Ali" is not.
    "TITLE_CASED": sorted({t.lower() for t in _TITLES_CAPITALISED}),
    "NAMING": [
        "named",
        "nicknamed",
        "aka",
        "a.k.a",
        "a.k.a.",
        "alias",
        "known as",
        "goes by",
        *(f"{verb} {who}" for verb in ("call", "calls", "called", "calling") for who in _PRONOUNS),
        *(f"{word} {verb}" for word in _NAMING_WORDS for verb in _NAMING_VERBS),
        *(f"{word}{verb}" for word in _NAMING_WORDS for verb in ("'s", "’s", ":")),
    ],
    # "called" is also a phone call ("called Childline", "called Mum on Tuesday"), so a
    # stop word right after it is not taken as a name.
    "CALLED": ["called", "calling"],
    "RELATION": sorted(_RELATIONS),
}
# How many words or initials a cue may take as the name.
_CUE_LIMIT = {"TITLE": 3, "TITLE_CASED": 3, "NAMING": 3, "CALLED": 3, "RELATION": 2}
# After "called" or a relationship the first word must not be a stop word (a month may
# still be a name: "her friend April").
_STRICT_CUES = frozenset({"CALLED", "RELATION"})
_MONTHS = _words(
    "january february march april may june july august september october november december"
)
_AFTER_CUE = _words(": , - = \" ' “ ‘ (")

_HYPHENS = _words("- ‐ ‑")
# "]" ends a placeholder: a word after one is treated as starting a sentence, so a
# second pass never strips less than the first did.
_SENTENCE_END = _words(". ! ? : ; \" “ ” ( ) [ ] - – — • * … ' ‘ ’ >")
_STRICT_INITIAL = re.compile(r"[B-HJ-Z]|[A-Z]\.|(?:[A-Z]\.){2,3}")  # not "A" or "I"
_LOOSE_INITIAL = re.compile(r"(?:[A-Z]\.?){1,3}")
_SURROGATE = re.compile("[\ud800-\udfff]")
# The tokenizer is given line breaks, tabs and other spaces as " " (same length, so
# offsets hold):
# spaCy re-splits words glued to a line break on every call, uncached, which made it
# ten times slower on ordinary notes. Line breaks are read back from the original text.
_AS_SPACE = str.maketrans(
    dict.fromkeys(
        "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029"  # line breaks and tabs
        "\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
        "\u202f\u205f\u3000",  # no-break and other wide spaces (pasted from Word)
        " ",
    )
)
_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_CHUNK = 50_000  # characters handed to the tokenizer at a time
_LONG_RUN = re.compile(r"[^ ]{100,}")


def _is_name_word(text: str) -> bool:
    """Capitalised, with a lower-case letter: Tom, McDonald, O'Brien, Zoë, Ng, and "Mo."
    (spaCy keeps some abbreviation-like words whole with their full stop)."""
    if not text[:1].isupper():  # most tokens: rejected on the first letter
        return False
    if len(text) > 2 and text[-1] == ".":
        text = text[:-1]
    return len(text) > 1 and not text.isupper() and all(ch.isalpha() or ch in "'’" for ch in text)


def _tokenizer_copy(chunk: str) -> str:
    """What the tokenizer reads: same length as ``chunk``, so offsets hold. Lone
    surrogates (spaCy cannot hash them) become U+FFFD; line breaks and tabs become spaces
    (see _AS_SPACE); and runs of _LONG_RUN or more characters with no space are blanked,
    because spaCy peels punctuation and emoji off a long token one at a time (100 kB of
    "+" took minutes). Such a run is a link, a code or noise, not a name."""
    copy = _SURROGATE.sub("\ufffd", chunk).translate(_AS_SPACE)
    return _LONG_RUN.sub(lambda m: " " * len(m.group()), copy)


def _has_break(text: str) -> bool:
    return not _BREAKS.isdisjoint(text)


class _Pipeline(NamedTuple):
    nlp: Language
    cues: PhraseMatcher
    stop_phrases: PhraseMatcher
    stop_words: frozenset[str]


def _project_places() -> list[str]:
    """Places, nationalities and languages the project's own entity patterns list."""
    return [
        p["pattern"].lower()
        for p in load_patterns(PATTERN_DIR)
        if p["label"] in {"PLACE", "NATIONALITY", "LANGUAGE"} and isinstance(p["pattern"], str)
    ]


_STOP_PHRASES = _phrases(
    """northern ireland|great britain|united kingdom|missing people|modern slavery
    |home office|border force|salvation army|red cross|hope for justice|stop the traffik
    |county lines|first responder|single competent authority|west midlands|east midlands
    |greater manchester|west yorkshire|south yorkshire|north yorkshire|east sussex
    |west sussex|thames valley|west mercia|avon and somerset|devon and cornwall
    |dyfed-powys|north wales|south wales|police scotland|city of london|tower hamlets
    |barking and dagenham|milton keynes|young person|social worker|social services
    |social care|early help|child protection|looked after|western union|new year
    |bank holiday|boxing day|half term|half-term|a & e|st albans"""
)


@lru_cache(maxsize=1)
def _pipeline() -> _Pipeline:
    """Built once per process: a blank English tokenizer and the rule matchers."""
    nlp = spacy.blank("en")
    nlp.max_length = _CHUNK + 1  # texts are handed over in chunks; see _chunks
    cues = PhraseMatcher(nlp.vocab, attr="LOWER")
    for label, phrases in _CUE_PHRASES.items():
        cues.add(label, [nlp.make_doc(phrase) for phrase in phrases])
    single: set[str] = set(_STOP)
    multi: list[Doc] = []
    for entry in [*_STOP_PHRASES, *_project_places()]:
        doc = nlp.make_doc(entry)
        if len(doc) == 1:
            single.add(doc[0].lower_)
        elif len(doc) > 1:
            multi.append(doc)
    stop_phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
    stop_phrases.add("STOP", multi)
    return _Pipeline(nlp, cues, stop_phrases, frozenset(single))


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """(offset, piece) pieces of at most _CHUNK characters, cut at a line or a space."""
    start, size = 0, len(text)
    while start < size:
        end = min(start + _CHUNK, size)
        if end < size:
            cut = text.rfind("\n", start, end)
            if cut <= start:
                cut = text.rfind(" ", start, end)
            if cut > start:
                end = cut + 1
        yield start, text[start:end]
        start = end


class _Names:
    """The name rules over one tokenized chunk. Positions are token indices."""

    def __init__(self, pipe: _Pipeline, chunk: str, covered: bytearray, offset: int) -> None:
        self.pipe = pipe
        self.doc = doc = pipe.nlp.make_doc(_tokenizer_copy(chunk))
        self.size = len(doc)
        # Read as arrays: a Token object per attribute per token costs more than the rest.
        columns = doc.to_array([IDX, LENGTH, SPACY]).tolist() if self.size else []
        self.starts = [start for start, _, _ in columns]
        self.ends = [start + length for start, length, _ in columns]
        self.texts = [chunk[start:end] for start, end in zip(self.starts, self.ends, strict=True)]
        # The whitespace after each token as typed, with its line breaks.
        self.after = [
            chunk[end : end + spaced]
            for end, (_, _, spaced) in zip(self.ends, columns, strict=True)
        ]
        # Lower case without a closing full stop: "Mo.", "Rd." and "St." look up as words.
        self.lowers = [
            low[:-1] if len(low) > 2 and low[-1] == "." else low
            for low in (text.lower() for text in self.texts)
        ]
        self.word = [_is_name_word(t) for t in self.texts]
        self.stop = [low in pipe.stop_words for low in self.lowers]
        for _, start, end in pipe.stop_phrases(doc):
            self.stop[start:end] = [True] * (end - start)
        self.head = [low in _HEADS for low in self.lowers]
        # Tokens inside what a pattern took (a phone, an email...): never part of a name.
        if covered.find(1, offset, offset + len(chunk)) == -1:
            self.blocked = [False] * self.size
        else:
            self.blocked = [
                covered.find(1, offset + s, offset + e) != -1
                for s, e in zip(self.starts, self.ends, strict=True)
            ]

    # -- units: a word, a hyphenated word ("Smith-Jones") or an initial -----------------

    def unit(self, i: int, loose: bool) -> int | None:
        """End (exclusive) of the name unit starting at token ``i``, or None."""
        if i >= self.size or self.blocked[i]:
            return None
        if self.word[i]:
            end = i + 1
            while (
                end + 1 < self.size
                and self.texts[end] in _HYPHENS
                and not self.after[end - 1]
                and not self.after[end]
                and self.word[end + 1]
                and not self.blocked[end + 1]
            ):
                end += 2
            return end
        initial = _LOOSE_INITIAL if loose else _STRICT_INITIAL
        return i + 1 if initial.fullmatch(self.texts[i]) else None

    def has_head(self, start: int, end: int) -> bool:
        return self.word[start] and any(self.head[start:end])

    def has_stop(self, start: int, end: int) -> bool:
        return self.word[start] and any(self.stop[start:end])

    def is_blank(self, i: int) -> bool:
        return self.texts[i].isspace()

    def follows_on(self, end: int) -> int | None:
        """Where the next word of the same name may start after a unit ending at ``end``:
        over spaces or tabs, never over a line break."""
        if _has_break(self.after[end - 1]):
            return None
        if end < self.size and self.is_blank(end):
            return None if _has_break(self.texts[end]) else end + 1
        return end

    def starts_sentence(self, i: int) -> bool:
        j = i - 1
        if j >= 0 and self.is_blank(j) and not _has_break(self.texts[j]):
            j -= 1
        if j < 0:
            return True
        prev = self.texts[j]
        return (
            _has_break(prev)
            or _has_break(self.after[j])
            or prev in _SENTENCE_END
            or prev.endswith((".", "!", "?"))
        )

    def is_starter(self, start: int, end: int) -> bool:
        """A common word capitalised only because it starts a sentence ("Told Sarah")."""
        return end - start == 1 and self.lowers[start] in _STARTERS and self.starts_sentence(start)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Character span; a full stop ending the last token ("Lil T.") is kept."""
        last = self.texts[end - 1]
        trim = 1 if len(last) > 1 and last.endswith(".") else 0
        return self.starts[start], self.ends[end - 1] - trim

    def names(self) -> Iterator[tuple[int, int]]:
        yield from self.runs()
        yield from self.cued()
        yield from self.singles()

    # -- rule 1: two or more capitalised words in a row ---------------------------------

    def runs(self) -> Iterator[tuple[int, int]]:
        i = 0
        while i < self.size:
            end = self.unit(i, loose=False)
            if end is None:
                i += 1
                continue
            units = [(i, end)]
            while (start := self.follows_on(end)) is not None and (
                nxt := self.unit(start, loose=False)
            ) is not None:
                units.append((start, nxt))
                end = nxt
            yield from self.names_in_run(units)
            i = end

    def names_in_run(self, units: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
        if self.is_starter(*units[0]):
            units = units[1:]
        segments: list[list[tuple[int, int]]] = [[]]
        for start, end in units:
            if self.has_head(start, end):
                segments[-1] = []  # "Leeds City Council": the head ends an organisation
            elif self.has_stop(start, end):
                segments.append([])
            else:
                segments[-1].append((start, end))
        for segment in segments:
            # Initials come before a surname ("J Smith"); trailing ones are dropped so
            # "Initials J" or "Year AB" is not a name.
            while segment and not self.word[segment[-1][0]]:
                segment.pop()
            if len(segment) >= 2:
                yield segment[0][0], segment[-1][1]

    # -- rule 2: a cue, then the name ---------------------------------------------------

    def cued(self) -> Iterator[tuple[int, int]]:
        strings = self.pipe.nlp.vocab.strings
        for match_id, start, end in self.pipe.cues(self.doc):
            if any(self.blocked[start:end]):
                continue
            label = strings[match_id]
            if label == "TITLE_CASED" and self.texts[start] not in _TITLES_CAPITALISED:
                continue
            if label == "RELATION":
                possessive = self.possessive_before(start)
                if possessive is None and not self.opens_with_relation(start, end):
                    continue
                if possessive is not None and self.lowers[possessive] in {"'s", "’s"}:
                    owner = self.owner_before(possessive)  # "Tom's brother"
                    if owner is not None:
                        yield owner
            name = self.name_after(end, label)
            if name is not None:
                yield name

    def possessive_before(self, relation: int) -> int | None:
        """The "her" / "'s" of "her 19 year old boyfriend", if there is one."""
        j = relation - 1
        for _ in range(6):
            if j < 0 or self.blocked[j]:
                return None
            low = self.lowers[j]
            if low in _POSSESSIVES:
                return j
            if not (low in _MODIFIERS or low.isdigit() or self.is_blank(j)):
                return None
            j -= 1
        return None

    def owner_before(self, apostrophe: int) -> tuple[int, int] | None:
        start = apostrophe - 1
        while start >= 2 and self.texts[start - 1] in _HYPHENS and self.word[start - 2]:
            start -= 2
        if start < 0 or not self.word[start] or self.unit(start, loose=False) != apostrophe:
            return None
        if self.has_stop(start, apostrophe) or self.has_head(start, apostrophe):
            return None
        return None if self.is_starter(start, apostrophe) else (start, apostrophe)

    def name_after(self, cue_end: int, label: str) -> tuple[int, int] | None:
        i = cue_end
        for _ in range(3):  # "Name: 'Tom'", "her boyfriend, Tyler", "Mx. Ali"
            if i < self.size and (
                self.texts[i] in _AFTER_CUE
                or self.is_blank(i)
                or (label.startswith("TITLE") and self.texts[i] == ".")
            ):
                i += 1
        first_end = self.unit(i, loose=True)
        if first_end is None:
            if label == "TITLE":
                return self.lower_case_surname(cue_end, i)
            if self.takes_lower_case(cue_end, label):
                return self.lower_case_name(i)
            return None
        if self.word[i]:
            if any(low in _NEVER for low in self.lowers[i:first_end]):
                return None
            if label in _STRICT_CUES and (
                self.has_head(i, first_end)
                or (self.has_stop(i, first_end) and self.lowers[i] not in _MONTHS)
            ):
                return None
        units = [(i, first_end)]
        end = first_end
        while len(units) < _CUE_LIMIT[label]:
            start = self.follows_on(end)
            nxt = None if start is None else self.unit(start, loose=True)
            if start is None or nxt is None or self.has_stop(start, nxt):
                break
            if self.has_head(start, nxt):
                break
            units.append((start, nxt))
            end = nxt
        if not any(self.word[start] for start, _ in units):
            return None  # initials only: kept, as the project asks users to write them
        return i, end

    def lower_case_surname(self, cue_end: int, i: int) -> tuple[int, int] | None:
        """ "mr smith": after mr/mrs/ms/mx, one lower-case word is still a surname."""
        if self.lowers[cue_end - 1] not in _TITLES_LOWER_NAME or i >= self.size:
            return None
        text = self.texts[i]
        if self.blocked[i] or len(text) < 2 or not (text.isalpha() and text.islower()):
            return None
        return None if text in _NEVER else (i, i + 1)

    def takes_lower_case(self, cue_end: int, label: str) -> bool:
        """After "his name is", "named", "known as" (not "goes by": "goes by bus"), and
        after "called" when a person comes first ("a man called dritan")."""
        cue = cue_end - 1
        if label == "NAMING":
            return self.lowers[cue] != "by"
        if label == "CALLED":
            before = self.neighbour(cue, -1)
            return before is not None and self.lowers[before] in name_cues.PERSON_NOUNS
        return False

    def lower_case_name(self, i: int) -> tuple[int, int] | None:
        """One lower-case word that is not a common one: "his name is kai"."""
        if i >= self.size or self.blocked[i]:
            return None
        text, low = self.texts[i], self.lowers[i]
        if len(text) < 2 or not (text.isalpha() and text.islower()):
            return None
        if low in _NEVER or low in name_cues.NOT_LOWER_NAMES or self.is_common(low):
            return None
        return i, i + 1

    def is_common(self, low: str) -> bool:
        return low in self.pipe.stop_words or low in _HEADS or low in _STARTERS

    def opens_with_relation(self, start: int, end: int) -> bool:
        """ "Boyfriend Kyle picks her up": a relationship starting a sentence."""
        return (
            end - start == 1
            and self.lowers[start] in name_cues.RELATIONS_OPENING
            and self.starts_sentence(start)
        )

    # -- rule 3: one capitalised word with a cue on either side -------------------------

    def neighbour(self, i: int, step: int) -> int | None:
        """The token before (step -1) or after (step 1) token ``i``, over spaces but
        not over a line break; None at the edge."""
        if step > 0:
            if _has_break(self.after[i]):
                return None
            j = i + 1
            if j < self.size and self.is_blank(j):
                if _has_break(self.texts[j]):
                    return None
                j += 1
            return j if j < self.size else None
        j = i - 1
        if j >= 0 and self.is_blank(j):
            if _has_break(self.texts[j]):
                return None
            j -= 1
        return None if j < 0 or _has_break(self.after[j]) else j

    def is_name_part(self, i: int | None) -> bool:
        """A capitalised word or an initial that is not a listed word ("Then Kyle")."""
        return (
            i is not None
            and not self.stop[i]
            and (self.word[i] or bool(_STRICT_INITIAL.fullmatch(self.texts[i])))
        )

    def not_a_person(self, low: str) -> bool:
        """A listed word, or the plural of one ("Albanians")."""
        forms = (low, low[:-1]) if low.endswith("s") else (low,)
        return any(
            form in name_cues.NOT_PEOPLE or form in _STARTERS or form in self.pipe.stop_words
            for form in forms
        )

    def verb_follows(self, end: int) -> bool:
        """ "Kyle picks", "Kyle then drove", "Kyle has threatened", "Kyle hit her"."""
        j = self.neighbour(end - 1, 1)
        for _ in range(2):
            if j is None or self.lowers[j] not in name_cues.VERB_ADVERBS:
                break
            j = self.neighbour(j, 1)
        if j is None or self.blocked[j]:
            return False
        if self.lowers[j] in name_cues.PERSON_VERBS:
            return True
        after = self.neighbour(j, 1)
        return (
            self.lowers[j] in name_cues.OBJECT_VERBS
            and after is not None
            and (self.lowers[after] in name_cues.OBJECTS or self.is_name_part(after))
        )

    def singles(self) -> Iterator[tuple[int, int]]:
        """A capitalised word standing alone (no capitalised word either side), not a
        listed place, nationality, service or common word, with a person's verb after
        it ("Amira told me") or "with", "by", "met" before it ("with Kyle"); and the
        next one in "with Dritan and Besnik"."""
        last_taken: int | None = None
        i = 0
        while i < self.size:
            end = self.unit(i, loose=False)
            if end is None or not self.word[i]:
                i += 1
                continue
            before, after = self.neighbour(i, -1), self.neighbour(end - 1, 1)
            if (
                self.is_name_part(before)
                or self.is_name_part(after)
                or self.has_stop(i, end)
                or self.has_head(i, end)
                or any(self.not_a_person(low) for low in self.lowers[i:end])
                or (after is not None and self.lowers[after] in name_cues.GROUP_NOUNS)
            ):
                i = end
                continue
            cue_before = before is not None and (
                self.lowers[before] in name_cues.PERSON_BEFORE
                or (
                    self.lowers[before] in {"and", "&"}
                    and last_taken is not None
                    and self.neighbour(before, -1) == last_taken
                )
            )
            if cue_before or self.verb_follows(end):
                last_taken = end - 1
                yield i, end
            i = end


def _names(text: str, covered: bytearray) -> list[Hit]:
    pipe = _pipeline()
    spans: list[tuple[int, int]] = []
    for offset, chunk in _chunks(text):
        rules = _Names(pipe, chunk, covered, offset)
        for start, end in rules.names():
            char_start, char_end = rules.span(start, end)
            spans.append((offset + char_start, offset + char_end))
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [Hit(start, end, NAME) for start, end in merged]


# ---- putting it together --------------------------------------------------------------


def _emails(text: str) -> Iterator[Hit]:
    for match in _EMAIL.finditer(text):
        yield Hit(match.start(), match.end(), EMAIL)


def _is_common_word(lower: str) -> bool:
    """A word that is not a username after "snap:" or "@": a place, a service, a word
    a sentence starts with ("sc: referral made", "@home")."""
    return lower in _pipeline().stop_words or lower in _HEADS or lower in _STARTERS


def _usernames(text: str) -> Iterator[Hit]:
    return username_hits(text, _is_common_word)


# Every pattern detector, most trusted first: when two matches overlap, the earlier
# detector wins (an email holds names and digits; a date of birth holds digits a phone
# rule might also read; "NHS no" before ten digits beats reading them as a phone;
# a phone beats an NHS number found by its check digit alone). Within a detector the
# longer match wins.
_DETECTORS: tuple[Callable[[str], Iterable[Hit]], ...] = (
    _emails,
    _dates_of_birth,
    cued_nhs_hits,
    ni_hits,
    _phones,
    _postcodes,
    vehicle_hits,
    nhs_hits,
    _addresses,
    _usernames,
    long_number_hits,
)


def _find(text: str) -> list[Hit]:
    """Every identifier in ``text``, in order, none overlapping."""
    ranked = [
        (rank, hit.start - hit.end, hit.start, hit)
        for rank, detect in enumerate(_DETECTORS)
        for hit in detect(text)
    ]
    ranked.sort(key=lambda entry: entry[:3])
    hits = [hit for *_, hit in ranked]
    covered = bytearray(len(text))
    kept: list[Hit] = []
    for hit in hits:
        if hit.end > hit.start and covered.find(1, hit.start, hit.end) == -1:
            covered[hit.start : hit.end] = b"\x01" * (hit.end - hit.start)
            kept.append(hit)
    # Names are looked for around what the patterns took, never inside it.
    kept.extend(_names(text, covered))
    kept.sort()
    return kept


def _replace(
    text: str, hits: list[Hit], placed: list[tuple[int, str]]
) -> tuple[str, list[tuple[int, str]]]:
    """``text`` with ``hits`` replaced, and where every placeholder put in so far now is.
    A hit never overlaps an earlier placeholder (no rule matches "[", "]" or the kind)."""
    parts: list[str] = []
    moved: list[tuple[int, str]] = []
    earlier = iter(sorted(placed))
    pending = next(earlier, None)
    position = shift = 0
    for hit in hits:
        while pending is not None and pending[0] < hit.start:
            moved.append((pending[0] + shift, pending[1]))
            pending = next(earlier, None)
        parts.append(text[position : hit.start])
        moved.append((hit.start + shift, hit.kind))
        parts.append(placeholder(hit.kind))
        shift += len(placeholder(hit.kind)) - (hit.end - hit.start)
        position = hit.end
    while pending is not None:
        moved.append((pending[0] + shift, pending[1]))
        pending = next(earlier, None)
    parts.append(text[position:])
    return "".join(parts), moved


_MAX_PASSES = 4


def redact(text: str) -> Redacted:
    """``text`` with phones, emails, postcodes, dates of birth, addresses and names
    replaced by ``[phone]``, ``[email]``..., and the kinds replaced, first seen first."""
    current = text
    placed: list[tuple[int, str]] = []
    # Replacing can change what a neighbour looks like: when an email runs straight
    # into a phone number, the email only ends cleanly once the phone is "[phone]".
    # So repeat until nothing more is found (almost always one pass to redact and one
    # to confirm). This is what makes redact idempotent.
    for _ in range(_MAX_PASSES):
        hits = _find(current)
        if not hits:
            break
        current, placed = _replace(current, hits, placed)
    found = tuple(dict.fromkeys(kind for _, kind in sorted(placed)))
    return Redacted(current, found)
