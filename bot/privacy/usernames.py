"""Social media usernames in a note: "@tyler_b99", "his snap is tylerb99",
"sc: kyle_x", "insta kyle.b_01", "tiktok @x".

``username_hits(text, is_common_word)`` yields :class:`Hit` spans. The platform word
is kept ("snap: [username]"): which app matters to the referral. A username is taken

* after "@" (not inside an email, and not "@home", "@school", "@11pm": people type "@"
  for "at");
* after a platform word and a colon, "=" or "-" ("snap: tyler"), or "is", "was" or
  "as" when the account is named ("snap name is tyler", "username is tyler"), unless
  it is a common word ("snap: referral made");
* after a platform word and only a space or "is" ("his snap is tylerb99"), when it
  looks like a username: it holds a digit, an underscore or a full stop between
  letters ("insta kyle.b_01"), so "snap maps", "insta last week" and "her instagram is
  full of..." are kept. Short or ambiguous platform words (sc, ig, fb, tt, user)
  always need that look.

Knowingly not caught: a plain-word username after a bare platform word or "is" ("snap
tylerb", "his snap is tylerb"), and usernames with no platform word or "@".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from bot.privacy.kinds import USERNAME, Hit

_AT = re.compile(r"(?<![\w@.\[])@(?P<name>[A-Za-z_][A-Za-z0-9_.]{1,29})(?![\w@])")
_PLATFORMS = (
    r"snapchat|snap|sc|instagram|insta|ig|tiktok|tik\s?tok|tt|facebook|fb|twitter"
    r"|telegram|discord|kik|wickr|twitch|roblox|xbox|psn|gamertag|onlyfans|only\s?fans"
    r"|username|user\s?name|user|handle"
)
# Platform words that are also abbreviations or ordinary words: only a name that looks
# like a username follows them.
_WEAK = frozenset({"sc", "ig", "fb", "tt", "user", "handle", "xbox"})
_CUE = re.compile(
    rf"(?<![\w\[])(?P<cue>{_PLATFORMS})"
    r"(?P<account>(?:\s{1,3}(?:user\s?name|name|handle|id|account|acc))*)"
    r"[ \t]{0,3}(?:(?P<mark>[:=\-–(])|(?P<verb>\b(?:is|was|as)\b))?[ \t]{0,3}(?P<at>@?)",
    re.IGNORECASE,
)
# Cues that name the account themselves: "username is tyler" needs no colon.
_ACCOUNT_CUES = frozenset({"username", "handle", "gamertag"})
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.]{1,29}(?![\w@])")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# "@" read as "at": places and times, not accounts.
_AT_WORDS = _words(
    """home school college uni work night weekend station park shop shops gym mine his
    hers theirs yours ours the a my her their our your dads mums nans friends party
    club house flat hotel airport hospital church mosque mcdonalds kfc"""
)
# Words that name the account, not the user: "instagram (user: lil.t)", "insta: private".
_ACCOUNT_WORDS = _words(
    """snapchat snap sc instagram insta ig tiktok tt facebook fb twitter telegram discord
    kik wickr twitch roblox xbox psn gamertag onlyfans username user handle name id
    account acc profile page dm dms messages chat story stories live group private
    public deleted blocked hacked fake banned"""
)
_LOOKS_LIKE_USERNAME = re.compile(r"[A-Za-z].*(?:[0-9_]|[A-Za-z]\.[A-Za-z0-9])|[0-9_].*[A-Za-z]")
_TIME_OR_COUNT = re.compile(r"[0-9]+(?:am|pm|st|nd|rd|th|s|yrs?|hrs?|mins?)?", re.IGNORECASE)


def _trimmed(start: int, name: str) -> tuple[int, int]:
    """The span of ``name`` at ``start`` without a closing full stop ("tyler.b.")."""
    stripped = name.rstrip(".")
    return start, start + len(stripped)


def username_hits(text: str, is_common_word: Callable[[str], bool]) -> Iterator[Hit]:
    for match in _AT.finditer(text):
        name = match.group("name").rstrip(".")
        if name.lower() not in _AT_WORDS and not is_common_word(name.lower()):
            yield Hit(*_trimmed(match.start(), match.group()), USERNAME)
    for cue in _CUE.finditer(text):
        found = _NAME.match(text, cue.end())
        if found is None:
            continue
        name = found.group().rstrip(".")
        lower = name.lower()
        if _TIME_OR_COUNT.fullmatch(name) or lower in _ACCOUNT_WORDS or is_common_word(lower):
            continue
        if _is_username(cue, name):
            start = cue.end() - len(cue.group("at"))
            yield Hit(*_trimmed(start, text[start : found.end()]), USERNAME)


def _is_username(cue: re.Match[str], name: str) -> bool:
    """Whether ``name`` after this cue is taken: see the module docstring."""
    if _LOOKS_LIKE_USERNAME.search(name) or (cue.group("at") and name[:1].isalpha()):
        return True
    platform = re.sub(r"\s", "", cue.group("cue").lower())
    if platform in _WEAK:
        return False
    # "snap: tyler", "snap name is tyler", "username is tyler"; not "her instagram is
    # full of messages", where "is" says what the account is like.
    names_account = bool(cue.group("account")) or platform in _ACCOUNT_CUES
    return bool(cue.group("mark") or (cue.group("verb") and names_account))
