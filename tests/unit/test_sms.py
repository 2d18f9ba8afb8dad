"""The SMS channel's parts: Twilio's signature and fields, the numbered choices and
their mapping back, splitting into parts, the keyed sender id, the carrier
keywords, and the channel's turns with stand-ins for Rasa and Twilio (the real
servers are used in tests/e2e/test_sms.py). Numbers are from Ofcom's drama range."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import inspect, text

from bot import logs
from bot.channels.sms import render as sms_render
from bot.channels.sms import sender as sms_sender
from bot.channels.sms import webhook as sms_webhook
from bot.channels.sms.channel import EMPTY_TWIML, SmsInput
from bot.channels.sms.outbound import TwilioSender
from bot.channels.sms.records import OptOuts, Seen
from bot.channels.sms.settings import SmsSettings
from bot.channels.sms.texts import long_draft_note, stopped_text
from bot.channels.sms.webhook import Inbound, Refusal, read_webhook
from bot.replies import KIND_KEY
from bot.runtime import knowledge
from tests.twilio_fake import FakeTwilio, inbound_params, signed

ACCOUNT = "AC" + "1" * 32
TOKEN = "fictional-auth-token"
URL = "https://golden-hour.example.org/webhooks/sms/webhook"
NUMBER = "+447700900123"
OURS = "+447700900001"
KEY = b"unit-test-sender-key"


def post(params: dict[str, str], token: str = TOKEN, url: str = URL) -> tuple[bytes, str]:
    body, headers = signed(token, url, params)
    return body, headers["X-Twilio-Signature"]


def read(body: bytes, signature: str | None, url: str = URL, **kw: Any) -> Inbound | Refusal:
    return read_webhook(body, url, signature, auth_token=TOKEN, account_sid=ACCOUNT, **kw)


# --- the signature ------------------------------------------------------------------------


def test_a_post_signed_by_twilio_is_read() -> None:
    params = inbound_params(ACCOUNT, NUMBER, "hello there")
    body, signature = post(params)
    message = read(body, signature)
    sid = params["MessageSid"]
    assert message == Inbound(number=NUMBER, to=OURS, body="hello there", message_sid=sid)


def test_a_forged_signature_is_refused() -> None:
    body, signature = post(inbound_params(ACCOUNT, NUMBER, "hi"), token="someone-elses-token")
    assert read(body, signature) == Refusal(403, "signature")


def test_a_missing_signature_is_refused() -> None:
    body, _signature = post(inbound_params(ACCOUNT, NUMBER, "hi"))
    assert read(body, None) == Refusal(403, "missing_signature")
    assert read(body, "") == Refusal(403, "missing_signature")


def test_a_signature_for_another_url_is_refused() -> None:
    params = inbound_params(ACCOUNT, NUMBER, "hi")
    body, for_public = post(params, url=URL)
    # Behind a proxy the request's own URL differs from the one Twilio signed.
    local = "http://127.0.0.1:5005/webhooks/sms/webhook"
    assert read(body, for_public, url=local) == Refusal(403, "signature")
    body, for_local = post(params, url=local)
    assert read(body, for_local, url=URL) == Refusal(403, "signature")
    assert isinstance(read(body, for_local, url=local), Inbound)


def test_a_changed_message_breaks_the_signature() -> None:
    params = inbound_params(ACCOUNT, NUMBER, "no")
    body, signature = post(params)
    tampered = body.replace(b"Body=no", b"Body=yes")
    assert tampered != body
    assert read(tampered, signature) == Refusal(403, "signature")


def test_blank_fields_are_signed_too() -> None:
    params = inbound_params(ACCOUNT, NUMBER, "hi")
    assert params["FromCity"] == ""  # a UK number's place fields come blank
    body, signature = post(params)
    assert b"FromCity=&" in body
    assert isinstance(read(body, signature), Inbound)


# --- the fields ---------------------------------------------------------------------------


def test_every_documented_field_is_accepted() -> None:
    params = inbound_params(
        ACCOUNT,
        NUMBER,
        "a photo of the note she was given",
        MessagingServiceSid="MG" + "2" * 32,
        NumMedia="2",
        MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/x/Messages/y/Media/z0",
        MediaContentType0="image/jpeg",
        MediaUrl1="https://api.twilio.com/2010-04-01/Accounts/x/Messages/y/Media/z1",
        MediaContentType1="image/png",
        OptOutType="HELP",
        AddOns=json.dumps({"status": "successful", "results": {}}),
    )
    message = read(*post(params))
    assert isinstance(message, Inbound)
    assert message.num_media == 2 and message.opt_out_type == "HELP"


@pytest.mark.parametrize(
    "field",
    ["MessageStatus", "ErrorCode", "ProfileName", "Foo", "body", "MediaUrl100"],
    ids=["status-callback", "error-code", "whatsapp-name", "unknown", "wrong-case", "media-n"],
)
def test_a_field_twilio_does_not_send_is_refused(field: str) -> None:
    params = {**inbound_params(ACCOUNT, NUMBER, "hi"), field: "x"}
    assert read(*post(params)) == Refusal(400, "field", field=field)


def test_a_field_can_be_allowed_by_configuration() -> None:
    params = inbound_params(ACCOUNT, NUMBER, "hi", NewTwilioField="1")
    assert read(*post(params)) == Refusal(400, "field", field="NewTwilioField")
    assert isinstance(read(*post(params), extra_fields=frozenset({"NewTwilioField"})), Inbound)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"AccountSid": "AC" + "9" * 32}, "account"),
        ({"SmsStatus": "delivered"}, "status"),
        ({"From": "whatsapp:+447700900123"}, "from"),
        ({"From": "07700900123"}, "from"),
        ({"NumMedia": "lots"}, "media"),
    ],
    ids=["other-account", "not-received", "whatsapp", "not-e164", "media-count"],
)
def test_wrong_values_are_refused(change: dict[str, str], reason: str) -> None:
    params = inbound_params(ACCOUNT, NUMBER, "hi", **change)
    assert read(*post(params)) == Refusal(400, reason)


def test_a_post_without_a_body_is_refused() -> None:
    params = inbound_params(ACCOUNT, NUMBER, "hi")
    del params["Body"]
    assert read(*post(params)) == Refusal(400, "body")


def test_malformed_and_repeated_fields_are_refused() -> None:
    _body, signature = post(inbound_params(ACCOUNT, NUMBER, "hi"))
    assert read(b"\xff\xfe=\xff", signature) == Refusal(400, "form")
    assert read(b'{"Body": "hi"}', signature) == Refusal(400, "form")
    assert read(b"x" * (sms_webhook.MAX_BODY_BYTES + 1), signature) == Refusal(413, "too_large")
    params = inbound_params(ACCOUNT, NUMBER, "hi")
    body, signature = post(params)
    form = sms_webhook.parse_form(body + b"&Body=again")
    assert form is not None
    repeated = sms_webhook.RequestValidator(TOKEN).compute_signature(URL, form)
    assert read(body + b"&Body=again", repeated) == Refusal(400, "repeated", field="Body")


# --- the carrier keywords -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "opt_out_type", "expected"),
    [
        ("STOP", None, "stop"),
        (" stop ", None, "stop"),
        ("Unsubscribe", None, "stop"),
        ("stopall", None, "stop"),
        ("cancel", None, "stop"),
        ("end", None, "stop"),
        ("quit", None, "stop"),
        ("START", None, "start"),
        ("unstop", None, "start"),
        ("help", None, "help"),
        ("INFO", None, "help"),
        ("yes", None, None),  # an answer in this conversation, not an opt-in
        ("stop please", None, None),
        ("please help", None, None),
        ("the man said stop", None, None),
        ("DIM", "STOP", "stop"),  # a keyword configured in Twilio's Advanced Opt-Out
        ("yes", "START", "start"),
    ],
)
def test_keywords(body: str, opt_out_type: str | None, expected: str | None) -> None:
    assert sms_webhook.keyword(body, opt_out_type) == expected


# --- numbered choices ---------------------------------------------------------------------

YES_NO = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
    {"title": "Not sure", "payload": "/unsure"},
]


def test_the_questions_choices_become_a_numbered_list() -> None:
    messages = [
        {"text": "Hello, I'm Golden Hour.", "buttons": [{"title": "Cymraeg", "payload": "/x"}]},
        {"text": "First: is the child in immediate danger?", "buttons": YES_NO},
    ]
    rendered = sms_render.render_turn(messages)
    assert rendered == (
        "Hello, I'm Golden Hour.\n"
        'You can type: "Cymraeg"\n\n'
        "First: is the child in immediate danger?\n"
        "Reply with a number:\n1 Yes\n2 No\n3 Not sure"
    )


@pytest.mark.parametrize(
    ("reply", "expected"),
    [("1", "/affirm"), ("2", "/deny"), (" 3 ", "/unsure"), ("2.", "/deny"), ("3)", "/unsure")],
)
def test_a_number_maps_to_that_choice(reply: str, expected: str) -> None:
    assert sms_render.choice_payload(reply, YES_NO) == expected


@pytest.mark.parametrize("reply", ["0", "4", "12", "1 2", "one", "12 years old", "yes"])
def test_anything_else_is_not_a_choice(reply: str) -> None:
    assert sms_render.choice_payload(reply, YES_NO) is None


def test_a_number_is_words_when_the_question_had_no_choices() -> None:
    assert sms_render.choice_payload("3", ()) is None


# --- splitting ----------------------------------------------------------------------------

PREFIX = re.compile(r"^\((\d+)/(\d+)\) ")


def check_parts(original: str, parts: list[str], max_segments: int = 10) -> None:
    """Numbered in order, each within the limit, every word kept whole and in order."""
    assert len(parts) > 1
    cost, most = sms_render.budget(sms_render.plain(original), max_segments)
    words: list[str] = []
    for i, part in enumerate(parts, start=1):
        match = PREFIX.match(part)
        assert match, part[:20]
        assert (int(match.group(1)), int(match.group(2))) == (i, len(parts))
        assert cost(part) <= most <= 1530
        words += part[match.end() :].split()
    assert words == sms_render.plain(original).split()


def a_draft() -> str:
    """A real draft summary turn from the conversation engine (high concern)."""
    from bot import conversation as talk
    from bot.conversation import Event

    kb, now = knowledge(), dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone.utc)
    seen = {"screen:going_missing", "missing_episodes", "screen:control", "adult_collects_child"}
    turn = talk.opening(now)

    def press(title: str) -> None:
        nonlocal turn
        choice = next(c for r in turn.replies for c in r.choices if title in (c.title, c.payload))
        intent, _, entity = choice.payload[1:].partition("{")
        value = json.loads("{" + entity)["choice"] if entity else None
        turn = talk.handle(kb, turn.case, Event(intent, choice.payload, value), now)

    for title in ("/deny", "Teacher or school staff", "England", "School or college"):
        press(title)
    for _ in range(80):
        pending = turn.case.pending
        if pending == "check":
            break
        press(
            "I saw it"
            if pending.startswith("evidence:")
            else "Not known"
            if pending == "age"
            else "/affirm"
            if pending in seen
            else "/deny"
        )
    for title in ("Yes, carry on", "All of these", "/affirm", "/affirm"):
        press(title)
    assert turn.case.pending == "done"
    return sms_render.render_turn([{"text": r.text} for r in turn.replies])


def test_a_short_text_is_one_sms() -> None:
    assert sms_render.split("Where in the UK are you working?") == [
        "Where in the UK are you working?"
    ]


def test_the_draft_summary_is_split_into_numbered_parts() -> None:
    draft = a_draft()
    assert "DRAFT" in draft and len(draft) > 3000
    parts = sms_render.split(draft)
    check_parts(draft, parts)
    assert all(len(p) <= 1530 for p in parts)


def test_a_lower_segment_limit_makes_smaller_parts() -> None:
    draft = a_draft()
    parts = sms_render.split(draft, max_segments=2)
    check_parts(draft, parts, max_segments=2)
    assert all(len(p) <= 306 for p in parts)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet="abcdefghij[]€ŵ", min_size=1, max_size=30),
        min_size=1,
        max_size=400,
    ),
    st.lists(st.sampled_from([" ", "\n", "\n\n"]), min_size=400, max_size=400),
)
def test_any_long_text_is_split_whole(words: list[str], gaps: list[str]) -> None:
    original = "".join(w + g for w, g in zip(words, gaps, strict=False))
    parts = sms_render.split(original, max_segments=2)
    cost, most = sms_render.budget(sms_render.plain(original), 2)
    if cost(original.strip()) <= most:
        assert parts == [original.strip()]
    else:
        check_parts(original, parts, max_segments=2)


def test_welsh_letters_need_ucs2_and_smaller_parts() -> None:
    text = " ".join(["Dŵr"] * 400)  # 1,599 characters, one of them outside GSM-7
    assert not sms_render.is_gsm(text)
    parts = sms_render.split(text)
    check_parts(text, parts)
    assert all(len(p) <= 670 for p in parts) and len(parts) == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 1530, 10),
        ("[" * 80, 1),
        ("[" * 81, 2),
        ("ŵ" * 70, 1),
        ("ŵ" * 71, 2),
        ("ŵ" * 670, 10),
    ],
)
def test_segments_are_counted_as_twilio_bills_them(text: str, expected: int) -> None:
    assert sms_render.segments(text) == expected


def test_gsm_extension_characters_count_twice() -> None:
    assert sms_render.gsm_units("[ok]") == 6
    assert sms_render.is_gsm("[to complete] £5 ä")


def test_typographic_quotes_do_not_force_ucs2() -> None:
    assert sms_render.is_gsm(sms_render.plain("the child’s “friend” – again…"))


# --- the keyed sender id ------------------------------------------------------------------


def test_the_sender_id_is_a_stable_keyed_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    first = sms_sender.sender_id(NUMBER, KEY)
    assert first == sms_sender.sender_id(NUMBER, KEY)
    assert re.fullmatch(r"sms-[0-9a-f]{64}", first)
    assert "7700900123" not in first
    assert sms_sender.sender_id("+447700900124", KEY) != first
    assert sms_sender.sender_id(NUMBER, b"another key") != first


def test_the_sender_key_comes_from_its_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLDEN_HOUR_SMS_SENDER_KEY", "configured secret")
    assert sms_sender.sender_key() == b"configured secret"


def test_without_a_setting_the_key_is_derived_from_the_data_key(
    data_key: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOLDEN_HOUR_SMS_SENDER_KEY", raising=False)
    derived = sms_sender.sender_key()
    assert derived == sms_sender.sender_key()
    assert data_key.read_bytes().strip() not in derived  # not the data key itself
    from bot.store import crypto

    monkeypatch.setenv("GOLDEN_HOUR_DATA_KEYS", crypto.new_key())
    assert sms_sender.sender_key() != derived


# --- the opt-out store --------------------------------------------------------------------


def test_opt_outs_are_kept_as_hashes_in_the_store(tmp_path: Path) -> None:
    from bot.store.db import engine
    from bot.store.opt_outs import OptOutStore

    eng = engine(f"sqlite:///{tmp_path / 'store.db'}")
    assert "sms_opt_outs" in inspect(eng).get_table_names()  # made by the migration
    store = OptOutStore(eng)
    digest = sms_sender.number_digest(NUMBER, KEY)
    now = dt.datetime(2026, 11, 26, tzinfo=dt.timezone.utc)
    assert not store.is_opted_out(digest)
    store.opt_out(digest, now)
    store.opt_out(digest, now)  # a second STOP is fine
    assert store.is_opted_out(digest)
    with eng.connect() as conn:
        rows = conn.execute(text("SELECT sender_hash FROM sms_opt_outs")).all()
    assert rows == [(digest,)]
    store.opt_in(digest)
    assert not store.is_opted_out(digest)


# --- sending through Twilio's API (the local stand-in) ------------------------------------


@pytest.fixture
def twilio() -> FakeTwilio:
    fake = FakeTwilio(ACCOUNT, TOKEN).start()
    yield fake
    fake.stop()


async def test_texts_go_to_the_configured_api_in_order(twilio: FakeTwilio) -> None:
    sender = TwilioSender(ACCOUNT, TOKEN, api_base=twilio.base_url)
    try:
        for n in range(3):
            assert await sender.send(NUMBER, OURS, f"part {n}", conversation="c1")
    finally:
        await sender.close()
    assert [(m.to, m.from_, m.body) for m in twilio.sent] == [
        (NUMBER, OURS, "part 0"),
        (NUMBER, OURS, "part 1"),
        (NUMBER, OURS, "part 2"),
    ]


async def test_a_messaging_service_sends_instead_of_a_number(twilio: FakeTwilio) -> None:
    service = "MG" + "3" * 32
    sender = TwilioSender(ACCOUNT, TOKEN, api_base=twilio.base_url, messaging_service_sid=service)
    try:
        assert await sender.send(NUMBER, OURS, "hello", conversation="c1")
    finally:
        await sender.close()
    assert (twilio.sent[0].messaging_service_sid, twilio.sent[0].from_) == (service, None)


@pytest.fixture
def sms_log() -> list[logging.LogRecord]:
    """What the SMS channel logs (Golden Hour's loggers do not reach the root)."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("golden_hour.channels.sms")
    handler, level = Keep(logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(level)


async def test_a_failed_send_is_logged_without_the_number_or_text(
    twilio: FakeTwilio, sms_log: list[logging.LogRecord]
) -> None:
    wrong = TwilioSender(ACCOUNT, "wrong-token", api_base=twilio.base_url)
    twilio.blocked.add("+447700900999")
    right = TwilioSender(ACCOUNT, TOKEN, api_base=twilio.base_url)
    unreachable = TwilioSender(ACCOUNT, TOKEN, api_base="http://127.0.0.1:9")
    try:
        assert not await wrong.send(NUMBER, OURS, "Quillfeather secret", conversation="c1")
        assert not await right.send("+447700900999", OURS, "Quillfeather", conversation="c2")
        assert not await unreachable.send(NUMBER, OURS, "Quillfeather", conversation="c3")
    finally:
        for sender in (wrong, right, unreachable):
            await sender.close()
    failures = [r for r in sms_log if r.getMessage() == "sms not sent"]
    assert [(getattr(r, "code", None), r.levelname) for r in failures] == [
        (20003, "ERROR"),
        (21610, "INFO"),  # the number replied STOP at Twilio's end
        (None, "ERROR"),
    ]
    assert not twilio.sent
    for record in sms_log:
        line = logs.JsonFormatter().format(record)
        assert "7700900" not in line and "Quillfeather" not in line


# --- the channel's turns, with stand-ins for Rasa and Twilio ------------------------------


class Outbox:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    async def send(self, to: str, reply_from: str, body: str, *, conversation: str) -> bool:
        self.sent.append((to, reply_from, body))
        return True

    async def close(self) -> None:
        return None

    @property
    def bodies(self) -> list[str]:
        return [body for _to, _from, body in self.sent]


class Records:
    """Opt-outs in memory, in the store's shape."""

    def __init__(self) -> None:
        self.hashes: set[str] = set()

    def is_opted_out(self, sender_hash: str) -> bool:
        return sender_hash in self.hashes

    def opt_out(self, sender_hash: str, now: dt.datetime) -> None:
        self.hashes.add(sender_hash)

    def opt_in(self, sender_hash: str) -> None:
        self.hashes.discard(sender_hash)


class SeenMemory:
    """Seen posts and shown questions in memory, in the store's shape."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.shown_by: dict[str, str] = {}

    def first_time(self, keys: Any, now: dt.datetime) -> bool:
        if self.keys & set(keys):
            return False
        self.keys |= set(keys)
        return True

    def shown(self, sender_hash: str) -> str | None:
        return self.shown_by.get(sender_hash)

    def show(self, sender_hash: str, choices: str, now: dt.datetime) -> None:
        self.shown_by[sender_hash] = choices


class Trackers:
    def __init__(self) -> None:
        self.trackers: dict[str, DialogueStateTracker] = {}

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return self.trackers.get(sender_id)


class Domain:
    intents = ("affirm", "deny", "unsure", "greet", "stop", "help", "inform")


class Agent:
    def __init__(self) -> None:
        self.tracker_store = Trackers()
        self.domain = Domain()


class Rasa:
    """Stands in for Rasa's handler: records what it was given and asks a yes / no
    question (or what ``reply`` says)."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.texts: list[str] = []

    async def reply(self, message: Any) -> None:
        await message.output_channel.send_text_with_buttons(
            message.sender_id, f"You said {message.text}. Is that right?", YES_NO
        )

    async def __call__(self, message: Any) -> None:
        self.texts.append(message.text)
        await self.reply(message)
        events = [
            UserUttered(message.text),
            SlotSet("case", {"ref": "GHABCDEFGH", "language": "en_GB"}),
            *[
                BotUttered(
                    m.get("text"),
                    data={"buttons": m.get("buttons")},
                    metadata={"gh_kind": m.get("kind")},
                )
                for m in message.output_channel.messages
            ],
        ]
        self.agent.tracker_store.trackers[message.sender_id] = DialogueStateTracker.from_events(
            message.sender_id, events, slots=[AnySlot("case", mappings=[{}])]
        )


@pytest.fixture
def seen() -> SeenMemory:
    return SeenMemory()


@pytest.fixture
def channel(seen: SeenMemory) -> tuple[SmsInput, Outbox, Records, Rasa]:
    outbox, records = Outbox(), Records()
    config = SmsSettings(account_sid=ACCOUNT, auth_token=TOKEN, webhook_url=URL)
    sms = SmsInput(
        config=config,
        sender=outbox,
        opt_outs=OptOuts(lambda: records),
        seen=Seen(lambda: seen),
    )
    sms._key = KEY
    return sms, outbox, records, Rasa(Agent())


async def say(sms: SmsInput, rasa: Rasa, body: str, **extra: str) -> Any:
    params = inbound_params(ACCOUNT, NUMBER, body, **extra)
    payload, headers = signed(TOKEN, URL, params)
    answer = sms.receive(payload, URL, headers["X-Twilio-Signature"], rasa, rasa.agent)
    await sms.drain(10)
    return answer


async def test_twilio_is_answered_with_empty_twiml_and_the_reply_goes_by_api(channel) -> None:
    sms, outbox, _records, rasa = channel
    answer = await say(sms, rasa, "hello")
    assert answer.status == 200
    assert answer.content_type.startswith("text/xml")
    assert answer.body.decode() == EMPTY_TWIML
    assert rasa.texts == ["hello"]
    assert outbox.sent == [
        (
            NUMBER,
            OURS,
            "You said hello. Is that right?\nReply with a number:\n1 Yes\n2 No\n3 Not sure",
        )
    ]


async def test_a_number_reply_is_the_latest_questions_choice(channel) -> None:
    sms, _outbox, _records, rasa = channel
    await say(sms, rasa, "hello")
    await say(sms, rasa, "2")
    await say(sms, rasa, "7")  # not one of the three choices: read as words
    assert rasa.texts == ["hello", "/deny", "7"]


async def test_a_number_is_words_after_a_turn_without_choices(channel) -> None:
    sms, _outbox, _records, rasa = channel

    async def plain(message: Any) -> None:
        await message.output_channel.send_text_message(message.sender_id, "How old is the child?")

    rasa.reply = plain
    await say(sms, rasa, "hello")
    await say(sms, rasa, "1")
    assert rasa.texts == ["hello", "1"]


async def test_refused_posts_reach_nothing(channel) -> None:
    sms, outbox, _records, rasa = channel
    params = inbound_params(ACCOUNT, NUMBER, "hello")
    body, headers = signed("forged", URL, params)
    assert sms.receive(body, URL, headers["X-Twilio-Signature"], rasa, rasa.agent).status == 403
    assert sms.receive(body, URL, None, rasa, rasa.agent).status == 403
    body, headers = signed(TOKEN, URL, {**params, "MessageStatus": "delivered"})
    assert sms.receive(body, URL, headers["X-Twilio-Signature"], rasa, rasa.agent).status == 400
    await sms.drain(10)
    assert rasa.texts == [] and outbox.sent == []


async def test_an_unconfigured_channel_refuses_everything() -> None:
    sms = SmsInput(config=SmsSettings(), opt_outs=OptOuts(Records))
    rasa = Rasa(Agent())
    body, headers = signed(TOKEN, URL, inbound_params(ACCOUNT, NUMBER, "hello"))
    assert sms.receive(body, URL, headers["X-Twilio-Signature"], rasa, rasa.agent).status == 503
    assert rasa.texts == []


async def test_stop_ends_the_conversation_and_silences_the_number(channel) -> None:
    sms, outbox, records, rasa = channel
    await say(sms, rasa, "hello")
    await say(sms, rasa, "STOP")
    assert rasa.texts[-1] == "/stop"
    assert records.hashes == {sms_sender.number_digest(NUMBER, KEY)}
    assert len(outbox.sent) == 2
    assert outbox.bodies[-1].endswith(stopped_text()) and "START" in outbox.bodies[-1]
    for body in ("hello", "yes", "1", "HELP", "a child is in danger"):
        await say(sms, rasa, body)
    assert len(outbox.sent) == 2 and len(rasa.texts) == 2  # nothing answered, nothing read
    await say(sms, rasa, "start")
    assert not records.hashes
    assert rasa.texts[-1] == "/greet"
    assert outbox.bodies[-1].startswith("You will get texts from Golden Hour again.")


async def test_stop_confirmed_by_twilio_sends_nothing_more(channel) -> None:
    sms, outbox, records, rasa = channel
    await say(sms, rasa, "Stop", OptOutType="STOP")
    assert rasa.texts == ["/stop"] and records.hashes and outbox.sent == []


async def test_start_from_someone_not_opted_out_is_just_words(channel) -> None:
    sms, _outbox, _records, rasa = channel
    await say(sms, rasa, "YES", OptOutType="START")
    await say(sms, rasa, "start")
    assert rasa.texts == ["YES", "start"]


async def test_help_gives_the_sms_help_then_the_conversations_help(channel) -> None:
    sms, outbox, _records, rasa = channel
    await say(sms, rasa, "HELP")
    assert rasa.texts == ["/help"]
    kb = knowledge()
    (body,) = outbox.bodies
    assert body.startswith("Golden Hour gives advice by text")
    assert kb.contact("police_emergency").phone in body
    assert kb.contact("nspcc_helpline").phone in body
    assert "Reply STOP" in body
    assert body.endswith("Reply with a number:\n1 Yes\n2 No\n3 Not sure")


async def test_turns_of_one_conversation_are_answered_in_order(channel) -> None:
    sms, outbox, _records, rasa = channel
    first_started = asyncio.Event()

    async def slow_first(message: Any) -> None:
        if message.text == "first":
            first_started.set()
            await asyncio.sleep(0.3)
        await message.output_channel.send_text_message(
            message.sender_id, f"reply to {message.text}"
        )

    rasa.reply = slow_first
    for body in ("first", "second", "third"):
        params = inbound_params(ACCOUNT, NUMBER, body)
        payload, headers = signed(TOKEN, URL, params)
        assert (
            sms.receive(payload, URL, headers["X-Twilio-Signature"], rasa, rasa.agent).status == 200
        )
    await sms.drain(10)
    assert outbox.bodies == ["reply to first", "reply to second", "reply to third"]


async def test_a_failing_turn_still_sends_the_safety_message(channel) -> None:
    sms, outbox, _records, rasa = channel

    async def broken(message: Any) -> None:
        raise RuntimeError("the tracker store is down")

    rasa.reply = broken
    await say(sms, rasa, "hello")
    (body,) = outbox.bodies
    assert body == sms.safety_text
    assert knowledge().contact("police_emergency").phone in body


async def test_an_oversized_text_gets_a_clear_answer(channel) -> None:
    sms, outbox, _records, rasa = channel
    await say(sms, rasa, "x" * 2001)
    assert rasa.texts == []
    (body,) = outbox.bodies
    assert "too long" in body and "shorter parts" in body
    assert knowledge().contact("nspcc_helpline").phone in body


async def test_a_picture_without_words_gets_a_clear_answer(channel) -> None:
    sms, outbox, _records, rasa = channel
    await say(
        sms,
        rasa,
        "",
        NumMedia="1",
        MediaUrl0="https://api.twilio.com/m",
        MediaContentType0="image/jpeg",
    )
    assert rasa.texts == []
    assert "not pictures" in outbox.bodies[0]


async def test_a_long_draft_comes_in_parts_with_where_to_get_it_whole(channel) -> None:
    sms, outbox, _records, rasa = channel
    draft = a_draft()

    async def summary(message: Any) -> None:
        await message.output_channel.send_text_message(
            message.sender_id, draft, **{KIND_KEY: "summary"}
        )

    rasa.reply = summary
    await say(sms, rasa, "hello")  # the tracker now has the case reference
    outbox.sent.clear()
    await say(sms, rasa, "all of these")
    check_parts(f"{draft}\n\n{long_draft_note('GHABCDEFGH')}", outbox.bodies)
    assert outbox.bodies[-1].endswith(long_draft_note("GHABCDEFGH"))


# --- a post is processed once (security findings, 6) --------------------------------------


def signed_post(body: str, **extra: str) -> tuple[bytes, dict[str, str]]:
    return signed(TOKEN, URL, inbound_params(ACCOUNT, NUMBER, body, **extra))


def deliver(sms: SmsInput, rasa: Rasa, payload: bytes, headers: dict[str, str]) -> Any:
    return sms.receive(
        payload,
        URL,
        headers["X-Twilio-Signature"],
        rasa,
        rasa.agent,
        idempotency_token=headers.get("I-Twilio-Idempotency-Token"),
    )


async def test_a_replayed_post_is_answered_once_and_processed_once(channel) -> None:
    sms, outbox, _records, rasa = channel
    await say(sms, rasa, "hello")
    payload, headers = signed_post("2")
    first = deliver(sms, rasa, payload, headers)
    await sms.drain(10)
    again = deliver(sms, rasa, payload, headers)  # the same signed post, captured and re-sent
    await sms.drain(10)
    assert first.status == again.status == 200
    assert again.body.decode() == EMPTY_TWIML
    assert rasa.texts == ["hello", "/deny"]  # the "2" was recorded once
    assert len(outbox.sent) == 2  # and answered once


async def test_twilios_retry_with_the_same_idempotency_token_is_processed_once(channel) -> None:
    sms, outbox, _records, rasa = channel
    payload, headers = signed_post("hello")
    deliver(sms, rasa, payload, headers)
    # Another MessageSid, the same webhook event: Twilio's token says it is a retry.
    retry, retry_headers = signed_post("hello")
    retry_headers["I-Twilio-Idempotency-Token"] = headers["I-Twilio-Idempotency-Token"]
    deliver(sms, rasa, retry, retry_headers)
    await sms.drain(10)
    assert rasa.texts == ["hello"] and len(outbox.sent) == 1


async def test_a_replay_is_caught_by_another_server_on_the_same_store(tmp_path: Path) -> None:
    from bot.store.db import engine
    from bot.store.opt_outs import SmsSeenStore

    store = SmsSeenStore(engine(f"sqlite:///{tmp_path / 'sms.db'}"))
    payload, headers = signed_post("hello")
    outbox, rasa = Outbox(), Rasa(Agent())
    config = SmsSettings(account_sid=ACCOUNT, auth_token=TOKEN, webhook_url=URL)
    for _server in range(2):  # two Rasa servers behind one load balancer
        sms = SmsInput(
            config=config, sender=outbox, opt_outs=OptOuts(Records), seen=Seen(lambda: store)
        )
        sms._key = KEY
        assert deliver(sms, rasa, payload, headers).status == 200
        await sms.drain(10)
    assert rasa.texts == ["hello"] and len(outbox.sent) == 1


async def test_without_the_store_a_post_is_still_answered_and_a_replay_still_caught(
    channel,
) -> None:
    sms, outbox, _records, rasa = channel

    def broken() -> Any:
        raise RuntimeError("database is locked")

    sms.seen = Seen(broken)
    payload, headers = signed_post("hello")
    deliver(sms, rasa, payload, headers)
    await sms.drain(10)
    deliver(sms, rasa, payload, headers)
    await sms.drain(10)
    assert rasa.texts == ["hello"] and len(outbox.sent) == 1


def test_seen_webhooks_are_kept_as_digests_and_purged(tmp_path: Path) -> None:
    from bot.store.db import engine
    from bot.store.opt_outs import SmsSeenStore, seen_key

    eng = engine(f"sqlite:///{tmp_path / 'seen.db'}")
    store = SmsSeenStore(eng)
    now = dt.datetime(2026, 12, 3, 9, 0)
    sid = "SM" + "a" * 32
    assert store.first_time([seen_key("MessageSid", sid)], now)
    assert not store.first_time([seen_key("MessageSid", sid), seen_key("x", "new")], now)
    assert store.first_time([seen_key("x", "new")], now)  # nothing of the refused post was kept
    store.show("digest-of-number", "c" * 64, now)
    store.show("digest-of-number", "d" * 64, now)
    assert store.shown("digest-of-number") == "d" * 64
    with eng.connect() as conn:
        rows = conn.execute(text("SELECT key_hash FROM sms_seen")).scalars().all()
    assert sid not in " ".join(rows) and all(len(r) == 64 for r in rows)
    assert store.delete_older_than(now + dt.timedelta(days=1)) == {"sms_seen": 2, "sms_shown": 1}
    assert store.shown("digest-of-number") is None


# --- a number answers only the question the user was sent (security findings, faults) ----

ROLES = [
    {"title": "Police", "payload": '/inform{"choice": "role.police"}'},
    {"title": "Health", "payload": '/inform{"choice": "role.health"}'},
    {"title": "Social care", "payload": '/inform{"choice": "role.social_care"}'},
]


async def test_a_number_for_a_question_never_sent_is_not_recorded(channel) -> None:
    """The fault: the action server hung, the user got the safety text, the turn
    finished in the background and the next question was never sent. The user's
    "3" (meant for the list on their screen) must not answer that new question."""
    sms, outbox, _records, rasa = channel
    sms.turn_timeout_s = 0.2

    async def hang_then_ask_the_role(message: Any) -> None:
        if message.text == "/deny":
            await asyncio.sleep(0.5)  # longer than the turn's timeout
            await message.output_channel.send_text_with_buttons(
                message.sender_id, "What is your role?", ROLES, gh_kind="question"
            )
            return
        await Rasa.reply(rasa, message)

    rasa.reply = hang_then_ask_the_role
    await say(sms, rasa, "hello")
    await say(sms, rasa, "2")
    assert outbox.bodies[-1] == sms.safety_text
    await asyncio.sleep(1.5)  # the turn finishes; Rasa's tracker now asks the role
    await say(sms, rasa, "3")
    assert rasa.texts == ["hello", "/deny"]  # the "3" reached nothing
    assert outbox.bodies[-1].startswith("Your reply was not recorded")
    assert outbox.bodies[-1].endswith(
        "What is your role?\nReply with a number:\n1 Police\n2 Health\n3 Social care"
    )
    await say(sms, rasa, "3")  # now the user has seen the role question
    assert rasa.texts[-1] == ROLES[2]["payload"]


async def test_a_number_after_a_typed_question_never_sent_is_not_a_note(channel) -> None:
    sms, outbox, _records, rasa = channel
    sms.turn_timeout_s = 0.2

    async def hang_then_ask_for_words(message: Any) -> None:
        if message.text == "/affirm":
            await asyncio.sleep(0.5)
            await message.output_channel.send_text_message(
                message.sender_id, "How do you know? Tell me in your own words.", gh_kind="question"
            )
            return
        await Rasa.reply(rasa, message)

    rasa.reply = hang_then_ask_for_words
    await say(sms, rasa, "hello")
    await say(sms, rasa, "1")
    await asyncio.sleep(1.5)
    await say(sms, rasa, "2")
    assert rasa.texts == ["hello", "/affirm"]
    assert outbox.bodies[-1].endswith("How do you know? Tell me in your own words.")


async def test_a_number_for_the_question_on_screen_is_still_its_choice(channel) -> None:
    sms, outbox, _records, rasa = channel
    await say(sms, rasa, "hello")
    await say(sms, rasa, "1")
    await say(sms, rasa, "3")
    assert rasa.texts == ["hello", "/affirm", "/unsure"]
    assert not any("not recorded" in body for body in outbox.bodies)


QUESTION = {"gh_kind": "question"}
KIND = {"kind": "question"}


def test_the_open_question_survives_a_turn_that_got_no_reply() -> None:
    from bot.channels.sms.prompt import choices_digest, current_prompt, is_stale

    events = [
        UserUttered("hello"),
        BotUttered("Hello", data={"buttons": [{"title": "Cymraeg", "payload": "/cy"}]}),
        BotUttered("Is a child in danger?", data={"buttons": YES_NO}, metadata=QUESTION),
        UserUttered("/deny"),  # the action server was down: no reply
    ]
    tracker = DialogueStateTracker.from_events("s", events)
    now_open = current_prompt(tracker)
    assert now_open.message == {"text": "Is a child in danger?", "buttons": YES_NO, **KIND}
    asked = choices_digest(YES_NO, "Is a child in danger?")
    assert now_open.digest == asked
    assert not is_stale(2, asked, now_open)
    assert is_stale(2, choices_digest(ROLES), now_open)
    # Another yes / no question has the same buttons: it is still another question.
    assert is_stale(2, choices_digest(YES_NO, "Does the child have a phone?"), now_open)
    assert not is_stale(None, choices_digest(ROLES), now_open)  # words are not numbers
    assert not is_stale(2, None, now_open)  # nothing recorded yet: as before


def test_the_help_text_names_no_nations_own_terms() -> None:
    """HELP is answered before the nation is known: its route must be right in every
    nation (Northern Ireland has no local authority children's social care)."""
    from bot.channels.sms.texts import help_text
    from bot.runtime import knowledge

    kb = knowledge()
    text = help_text(kb).lower()
    assert kb.contact("police_emergency").phone in text
    for nation in kb.nations.values():
        for term in nation.forbidden:
            assert term.lower() not in text, (nation.id, term)


def test_a_check_whose_words_are_not_kept_is_shown_again_without_them() -> None:
    """Rasa's tracker keeps no text of a check or a draft: the prompt read back from
    it still identifies the list, and "[not kept]" is never shown."""
    from bot.channels.sms.prompt import current_prompt, sent_prompt

    sent = [{"text": "1. Role: Teacher\nIs this right?", "buttons": YES_NO, "kind": "check"}]
    stored = [
        UserUttered("/affirm"),
        BotUttered("[not kept]", data={"buttons": YES_NO}, metadata={"gh_kind": "check"}),
    ]
    now_open = current_prompt(DialogueStateTracker.from_events("s", stored))
    assert now_open.digest == sent_prompt(sent).digest  # the same list on both sides
    assert now_open.wording == ""
