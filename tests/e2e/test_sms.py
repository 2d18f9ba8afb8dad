"""The SMS channel through the real Rasa server and action server: Twilio's
webhook posts (signed with twilio's RequestValidator, Twilio's real fields) go
in over HTTP, and the replies are caught by a local stand-in for Twilio's REST
API (tests/twilio_fake.py). Numbers are from Ofcom's drama range."""

from __future__ import annotations

import itertools
import os
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pytest

from bot.channels.sms import sender as sms_sender
from bot.channels.sms.render import segments
from bot.runtime import knowledge
from tests.e2e.channel_settings import TWILIO_ACCOUNT, TWILIO_TOKEN
from tests.e2e.harness import HIGH_CONCERN_SIGNS, Servers, chosen_title, http
from tests.twilio_fake import FakeTwilio, inbound_params, signed

pytestmark = pytest.mark.e2e

_numbers = itertools.count(200)
PARTS = re.compile(r"^\((\d+)/(\d+)\) ")


@dataclass
class Sms:
    servers: Servers
    twilio: FakeTwilio
    key: bytes
    used: list[str] = field(default_factory=list)  # every number this module texted from

    @property
    def url(self) -> str:
        return f"{self.servers.base}/webhooks/sms/webhook"

    def post(self, body: bytes, headers: dict[str, str]) -> int:
        status, _raw = http("POST", self.url, body, headers)
        return status

    def phone(self) -> Phone:
        phone = Phone(self, f"+447700900{next(_numbers):03d}")
        self.used.append(phone.number)
        return phone


@dataclass
class Phone:
    sms: Sms
    number: str

    @property
    def sender(self) -> str:
        return sms_sender.sender_id(self.number, self.sms.key)

    def text(self, body: str, **extra: str) -> int:
        params = inbound_params(TWILIO_ACCOUNT, self.number, body, **extra)
        payload, headers = signed(TWILIO_TOKEN, self.sms.url, params)
        return self.sms.post(payload, headers)

    def received(self) -> list[str]:
        return [m.body for m in self.sms.twilio.to(self.number)]

    def reply(self, body: str, **extra: str) -> list[str]:
        """Send a text and return the texts that answer it (all parts of a long one)."""
        before = len(self.received())
        assert self.text(body, **extra) == 200
        first = self.sms.twilio.wait_for(self.number, before + 1)[before].body
        match = PARTS.match(first)
        count = int(match.group(2)) if match else 1
        return [m.body for m in self.sms.twilio.wait_for(self.number, before + count)[before:]]

    def pending(self) -> str:
        return self.sms.servers.tracker(self.sender)["slots"]["case"]["pending"]


def sender_key_for(data_key: str) -> bytes:
    """The key the Rasa server derives from its data key (no SMS key is set)."""
    env = {k: v for k, v in os.environ.items() if k != "GOLDEN_HOUR_SMS_SENDER_KEY"}
    with mock.patch.dict(os.environ, {**env, "GOLDEN_HOUR_DATA_KEYS": data_key}, clear=True):
        return sms_sender.sender_key()


@pytest.fixture(scope="module")
def sms(servers: Servers, twilio: FakeTwilio) -> Sms:
    """The shared stack's SMS channel (tests/e2e/conftest.py) and the Twilio stand-in."""
    return Sms(servers, twilio, sender_key_for(servers.data_key))


def choices(text: str) -> dict[str, str]:
    """Title -> number, from the numbered list at the end of a text."""
    listing = text.rsplit("Reply with a number:\n", 1)[1]
    return {title: n for n, title in (line.split(" ", 1) for line in listing.splitlines())}


def nspcc() -> str:
    return knowledge().contact("nspcc_helpline").phone or ""


def user_turns(sms: Sms, phone: Phone) -> int:
    events = sms.servers.tracker(phone.sender)["events"]
    return sum(1 for e in events if e["event"] == "user")


# --- what gets in -------------------------------------------------------------------------


def test_forged_posts_get_403_and_reach_nothing(sms: Sms) -> None:
    phone = sms.phone()
    params = inbound_params(TWILIO_ACCOUNT, phone.number, "a man is waiting outside for her")
    body, headers = signed(TWILIO_TOKEN, sms.url, params)
    forged = signed("not-the-auth-token", sms.url, params)
    other_url = signed(TWILIO_TOKEN, "https://golden-hour.example.org/webhooks/sms/webhook", params)
    no_signature = {k: v for k, v in headers.items() if k != "X-Twilio-Signature"}
    tampered = body.replace(b"waiting", b"standing")
    assert sms.post(*forged) == 403
    assert sms.post(*other_url) == 403
    assert sms.post(body, no_signature) == 403
    assert sms.post(tampered, headers) == 403
    assert sms.post(b"not a form \xff", headers) == 400  # malformed: cannot be checked

    # Signed, but not what Twilio sends for an incoming SMS to this account.
    unknown = {**params, "MessageStatus": "delivered"}  # a status callback sent here
    other_account = {**params, "AccountSid": "AC" + "6" * 32}
    no_body = {k: v for k, v in params.items() if k != "Body"}
    for wrong in (unknown, other_account, no_body):
        assert sms.post(*signed(TWILIO_TOKEN, sms.url, wrong)) == 400

    # Nothing was queued: the first text that gets in is answered first and alone.
    opening = phone.reply("hello")
    assert "Golden Hour" in opening[0]
    assert phone.received() == opening
    assert user_turns(sms, phone) == 1


def test_the_channel_says_it_is_there(sms: Sms) -> None:
    status, raw = http("GET", f"{sms.servers.base}/webhooks/sms/")
    assert status == 200 and b'"configured":true' in raw.replace(b" ", b"")


# --- the conversation by SMS --------------------------------------------------------------


def test_urgent_path_by_sms(sms: Sms) -> None:
    phone = sms.phone()
    (opening,) = phone.reply("hello")
    assert "not an emergency service" in opening
    assert "immediate danger" in opening and "go missing" in opening
    assert opening.endswith("Reply with a number:\n1 Yes\n2 No\n3 Not sure")
    assert 'You can type: "Cymraeg"' in opening
    parts = phone.reply("1")
    # The five-step advice and the next question fit the segment limit in one text
    # or come in numbered parts; either way all of it arrives, in order.
    if len(parts) > 1:
        assert [p[:6] for p in parts] == [f"({n}/{len(parts)}) " for n in range(1, len(parts) + 1)]
    advice = "\n".join(parts)
    assert "Act now" in advice and "Do not let the child leave" in advice
    assert "999" in advice and nspcc() in advice
    assert advice.index("999") < advice.index(nspcc())
    assert "What is your role?" in parts[-1] and parts[-1].endswith("5 Other")
    assert user_turns(sms, phone) == 2


def test_two_quick_texts_are_answered_in_order(sms: Sms) -> None:
    phone = sms.phone()
    assert phone.text("hello") == 200
    assert phone.text("1") == 200  # before the first is answered
    # The opening, then the advice (with the next question), in order.
    first, second = (m.body for m in sms.twilio.wait_for(phone.number, 2))
    assert "not an emergency service" in first
    assert "Act now" in second and "What is your role?" in second


def test_a_replayed_post_is_answered_and_processed_once(sms: Sms) -> None:
    """Security findings, 6: the same signed post (same MessageSid, same
    signature, same idempotency token) posted again is not a second answer."""
    phone = sms.phone()
    phone.reply("hello")
    payload, headers = signed(
        TWILIO_TOKEN, sms.url, inbound_params(TWILIO_ACCOUNT, phone.number, "2")
    )
    before = len(phone.received())
    assert sms.post(payload, headers) == 200
    answered = sms.twilio.wait_for(phone.number, before + 1)
    while "Reply with a number" not in answered[-1].body:  # every part of the answer
        answered = sms.twilio.wait_for(phone.number, len(answered) + 1)
    assert sms.post(payload, headers) == 200  # captured and replayed
    # A new text after it: once it is answered, the replay has been dealt with
    # (one conversation's texts are taken in order).
    last = phone.reply("hello")
    assert "carry on" in last[0]
    assert len(phone.received()) == len(answered) + len(last)  # no second answer
    assert user_turns(sms, phone) == 3  # and the "2" was recorded once


SEEN = HIGH_CONCERN_SIGNS


def title_for(state: str, case: dict) -> str:
    """The choice a professional who saw the case's signs makes at this question."""
    if state.startswith("evidence:"):
        return "I saw it"
    if state == "more":
        return "No, nothing else"
    if state == "offer":
        return "See the assessment and draft"
    if state == "age":
        return "Not known"
    if state.startswith("pick:"):
        return chosen_title(state, case)
    return "Yes" if state in SEEN else "No"


def test_a_whole_conversation_by_numbers_to_the_draft(sms: Sms) -> None:
    phone = sms.phone()
    texts = phone.reply("hello")
    turns = 1

    def answer(title: str) -> list[str]:
        nonlocal texts, turns
        texts = phone.reply(choices(texts[-1])[title])
        turns += 1
        return texts

    for title in ("No", "Teacher or school staff", "England", "School or college"):
        answer(title)
    advised = False
    while (state := phone.pending()) != "check":
        answer(title_for(state, phone.sms.servers.tracker(phone.sender)["slots"]["case"]))
        advised = advised or any("Act now" in t for t in texts)
        assert turns < 60
    assert advised
    assert "Check your answers" in texts[0]
    assert "What your answers show" in answer("Yes, carry on")[0]
    answer("All of these")
    answer("No")  # the child has not been told
    answer("No")  # nor a parent or carer
    parts = answer("Telling them could raise the risk to the child")

    kb = knowledge()
    assert len(parts) > 1
    for i, part in enumerate(parts, start=1):
        assert part.startswith(f"({i}/{len(parts)}) ")
        assert len(part) <= 1530
    whole = "\n".join(PARTS.sub("", p) for p in parts)
    assert "DRAFT" in whole and "Going-missing risk: Immediate" in whole
    assert kb.indicators["adult_collects_child"].question in whole
    assert nspcc() in whole and "not sent it anywhere" in whole
    ref = sms.servers.tracker(phone.sender)["slots"]["case"]["ref"]
    assert parts[-1].endswith(
        f"give its case reference, {ref}, to whoever runs Golden Hour for "
        "your organisation: they can export it."
    )
    assert phone.pending() == "done"
    total = sum(len(p) for p in parts)
    everything = phone.received()
    print(
        f"\nSMS draft: {len(parts)} texts, {total} characters, "
        f"{sum(segments(p) for p in parts)} segments; {turns} turns from the first text; "
        f"whole conversation {len(everything)} texts, {sum(len(t) for t in everything)} "
        f"characters, {sum(segments(t) for t in everything)} segments"
    )


def test_every_choice_is_a_number_and_other_numbers_are_words(sms: Sms) -> None:
    phone = sms.phone()
    phone.reply("hello")
    phone.reply("2")
    (role,) = phone.reply("9")  # not one of the role choices: read as words
    assert phone.pending() == "role"
    assert "What is your role?" in role


# --- carrier keywords ---------------------------------------------------------------------


def opt_outs(sms: Sms) -> list[str]:
    with sqlite3.connect(sms.servers.workdir / "golden_hour.db") as db:
        return [row[0] for row in db.execute("SELECT sender_hash FROM sms_opt_outs")]


def test_stop_silences_the_number_until_start(sms: Sms) -> None:
    phone = sms.phone()
    phone.reply("hello")
    (stopped,) = phone.reply("STOP")
    assert "I've stopped here" in stopped and "999" in stopped
    assert stopped.endswith("Reply START to get them again.")
    assert phone.pending() == "ended"
    digest = phone.sender.removeprefix("sms-")
    assert digest in opt_outs(sms)
    count = len(phone.received())
    for body in ("hello", "1", "HELP", "she is leaving with him now"):
        assert phone.text(body) == 200
    (restarted,) = phone.reply("START")
    # Turns run in order, so the texts in between have all been dealt with: unanswered.
    assert len(phone.received()) == count + 1
    assert restarted.startswith("You will get texts from Golden Hour again.")
    assert "immediate danger" in restarted  # and a new conversation has begun
    assert digest not in opt_outs(sms)
    assert phone.pending() == "urgent"


def test_a_stop_twilio_confirmed_sends_nothing(sms: Sms) -> None:
    phone = sms.phone()
    assert phone.text("Stop", OptOutType="STOP") == 200
    (restarted,) = phone.reply("start", OptOutType="START")
    assert phone.received() == [restarted]  # nothing was sent for the STOP


def test_help_keyword_gives_the_contacts_and_the_conversations_help(sms: Sms) -> None:
    phone = sms.phone()
    (helped,) = phone.reply("HELP")
    assert helped.startswith("Golden Hour gives advice by text")
    assert "999" in helped and nspcc() in helped and "Reply STOP" in helped
    assert "'urgent' for immediate-action advice" in helped  # the conversation's own help
    assert helped.endswith("Reply with a number:\n1 Yes\n2 No\n3 Not sure")


# --- bad input, failures and privacy ------------------------------------------------------


def test_bad_texts_get_a_clear_answer(sms: Sms) -> None:
    phone = sms.phone()
    (long,) = phone.reply("x" * 2001)
    assert "too long" in long and "999" in long and nspcc() in long
    (picture,) = phone.reply(
        "", NumMedia="1", MediaUrl0="https://api.twilio.com/m/1", MediaContentType0="image/jpeg"
    )
    assert "not pictures" in picture


def test_a_failed_send_is_logged_and_nothing_breaks(sms: Sms) -> None:
    phone = sms.phone()
    sms.twilio.blocked.add(phone.number)
    try:
        answered = sms.twilio.requests
        assert phone.text("hello") == 200
        sms.twilio.wait_for_requests(answered + 1)
    finally:
        sms.twilio.blocked.discard(phone.number)
    assert phone.received() == []
    assert "immediate danger" in phone.reply("hello again")[-1]  # the server carries on
    lines = [
        line for line in sms.servers.rasa_log.read_text().splitlines() if "sms not sent" in line
    ]
    assert lines and all('"code": 21610' in line for line in lines)


def test_the_safety_message_goes_by_sms_when_the_action_server_is_down(sms: Sms) -> None:
    phone = sms.phone()
    phone.reply("hello")
    sms.servers.stop_actions()
    try:
        (down,) = phone.reply("she's leaving now with a man I don't know")
    finally:
        sms.servers.start_actions()
    assert "Sorry, I cannot answer properly right now" in down
    assert "999" in down and nspcc() in down
    again = phone.reply("urgent")  # back up: the same conversation carries on
    assert "Act now" in again[0]


def number_forms(number: str) -> list[bytes]:
    national = "0" + number.removeprefix("+44")
    return [f.encode() for f in (number, number[1:], national, national[1:])]


def test_no_number_is_kept_anywhere(sms: Sms) -> None:
    phone = sms.phone()
    phone.reply("hello")
    phone.reply("2")
    phone.reply("1")
    workdir: Path = sms.servers.workdir
    with sqlite3.connect(workdir / "conversations.db") as db:
        senders = {row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events")}
    # The stack's other channels share this database: the SMS conversations are
    # there under their pseudonyms, and the scan below finds no number in any form.
    assert phone.sender in senders and phone.sender.startswith("sms-")
    files = [*workdir.glob("conversations.db*"), *workdir.glob("golden_hour.db*")]
    files += [sms.servers.rasa_log, sms.servers.action_log]
    assert len(sms.used) > 5  # the numbers of every test in this module so far
    for path in files:
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            continue  # a SQLite journal that went while we looked: nothing kept there
        for number in sms.used:
            for form in number_forms(number):
                assert form not in content, f"{number} found in {path.name}"
