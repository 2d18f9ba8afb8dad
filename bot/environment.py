"""Every environment variable Golden Hour reads, and Rasa's that its deployment
files set: each with its default and what it does. One list, so an operator can
see them all; the tables in docs/configuration.md are written from it
(``python -m bot.environment``), and tests hold the code, the deploy files and the
page to it (tests/unit/test_environment.py)."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

PAGE = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


@dataclass(frozen=True)
class Variable:
    name: str
    default: str  # as the docs show it (Markdown)
    what: str  # what it does (Markdown)
    section: str  # the table of docs/configuration.md it stands in
    secret: bool = False  # a deployment takes it from its secret store
    # What the code uses when it is unset, typed (None: unset, or derived as the
    # docs say); a value set in the environment is read as this type.
    value: int | float | str | None = None


SECTIONS = ("assistant", "production", "widget", "teams", "sms")

# Neighbours that share what they do stand in one row of the page.
LIST: tuple[Variable, ...] = (
    # The assistant
    Variable(
        "GOLDEN_HOUR_RASA_HOST",
        "`127.0.0.1`",
        "where the Rasa server listens",
        "assistant",
        value="127.0.0.1",
    ),
    Variable(
        "GOLDEN_HOUR_RASA_PORT", "`5005`", "where the Rasa server listens", "assistant", value=5005
    ),
    Variable(
        "GOLDEN_HOUR_ACTION_HOST",
        "`127.0.0.1`",
        (
            "where the action server listens; keep it on loopback or a private network (its secret"
            " does not protect the traffic)"
        ),
        "assistant",
        value="127.0.0.1",
    ),
    Variable(
        "GOLDEN_HOUR_ACTION_PORT",
        "`5055`",
        (
            "where the action server listens; keep it on loopback or a private network (its secret"
            " does not protect the traffic)"
        ),
        "assistant",
        value=5055,
    ),
    Variable(
        "GOLDEN_HOUR_ACTION_SECRET",
        "random per run (`scripts/env.sh`)",
        (
            "the secret Rasa sends to the action server (at least 32 characters, the same for "
            "both); the action server does not start without it"
        ),
        "assistant",
        secret=True,
    ),
    Variable(
        "GOLDEN_HOUR_REST_TOKEN",
        "unset",
        (
            "when set, every REST request needs `Authorization: Bearer <token>`; unset, REST "
            "answers only while Rasa listens on loopback"
        ),
        "assistant",
        secret=True,
    ),
    Variable(
        "GOLDEN_HOUR_ACTION_URL",
        "`http://127.0.0.1:5055/webhook`",
        "how Rasa reaches the action server",
        "assistant",
    ),
    Variable(
        "GOLDEN_HOUR_TRACKER_DB",
        "`.run/conversations.db`",
        "SQLite file for Rasa's conversation tracker",
        "assistant",
    ),
    Variable(
        "GOLDEN_HOUR_DATABASE_URL",
        "`sqlite:///.run/golden_hour.db`",
        "Golden Hour's own store: cases, answers, drafts, audit trail, resume codes",
        "assistant",
    ),
    Variable(
        "GOLDEN_HOUR_DATA_KEYS",
        "unset",
        (
            "Fernet key(s), comma-separated, that encrypt notes and drafts at rest; the first "
            "encrypts, all decrypt (rotation). Set it from your secret store in any real "
            "deployment"
        ),
        "assistant",
        secret=True,
    ),
    Variable(
        "GOLDEN_HOUR_DATA_KEY_FILE",
        "`.run/data.key`",
        (
            "used when `GOLDEN_HOUR_DATA_KEYS` is unset: the set-up creates this local key once "
            "and says where it is"
        ),
        "assistant",
    ),
    Variable(
        "GOLDEN_HOUR_RETENTION_DAYS",
        "`30`",
        "cases and conversations untouched for longer are deleted by the retention command",
        "assistant",
        value=30,
    ),
    Variable(
        "GOLDEN_HOUR_RETENTION_EVERY_HOURS",
        "unset",
        "when set, the action server runs retention this often",
        "assistant",
    ),
    Variable(
        "GOLDEN_HOUR_STORE_KEY",
        "derived from the data key",
        "key for the keyed hashes of resume codes",
        "assistant",
        secret=True,
    ),
    Variable(
        "GOLDEN_HOUR_RESUME_DAYS", "`7`", "how long a resume code works", "assistant", value=7
    ),
    Variable(
        "GOLDEN_HOUR_RESUME_GLOBAL_FAILURES",
        "`100`",
        (
            "wrong resume codes across all conversations in 15 minutes past which each caller that"
            " got one wrong waits (a first try is always checked); each conversation has its own "
            "limit of 5"
        ),
        "assistant",
        value=100,
    ),
    Variable(
        "GOLDEN_HOUR_WIDGET_SESSION_HOURS",
        "`12`",
        (
            "how long a widget credential works; then the browser gets a new conversation and is "
            "told why"
        ),
        "assistant",
        value=12.0,
    ),
    Variable(
        "GOLDEN_HOUR_TRAINER_MAX_FAILURES",
        "`5`",
        (
            "wrong trainer passwords from one address (then 429) and from everyone (then each "
            "address waits) in the window"
        ),
        "assistant",
        value=5,
    ),
    Variable(
        "GOLDEN_HOUR_TRAINER_GLOBAL_FAILURES",
        "`50`",
        (
            "wrong trainer passwords from one address (then 429) and from everyone (then each "
            "address waits) in the window"
        ),
        "assistant",
        value=50,
    ),
    Variable(
        "GOLDEN_HOUR_TRAINER_LOCKOUT_SECONDS",
        "`900`",
        (
            "wrong trainer passwords from one address (then 429) and from everyone (then each "
            "address waits) in the window"
        ),
        "assistant",
        value=900.0,
    ),
    Variable(
        "GOLDEN_HOUR_OPERATOR_NAME",
        "unset",
        (
            "who runs this deployment and how to reach them, on the widget's service pages; unset,"
            " they say it is a demonstration"
        ),
        "assistant",
    ),
    Variable(
        "GOLDEN_HOUR_OPERATOR_CONTACT",
        "unset",
        (
            "who runs this deployment and how to reach them, on the widget's service pages; unset,"
            " they say it is a demonstration"
        ),
        "assistant",
    ),
    Variable(
        "GOLDEN_HOUR_FEEDBACK",
        "unset",
        "the feedback form's address or an email, linked from the feedback page",
        "assistant",
    ),
    Variable(
        "GOLDEN_HOUR_TRACKER_BUSY_TIMEOUT",
        "SQLite's 5 s",
        "seconds a turn waits for a locked conversation database before the safety message",
        "assistant",
    ),
    Variable(
        "RASA_AUTH_TOKEN",
        "unset",
        "Rasa's HTTP API (`/conversations`, `/model`, ...) is off unless this is set",
        "assistant",
    ),
    Variable(
        "GOLDEN_HOUR_LOCAL_CONTACTS",
        "unset",
        "a YAML file with your local authority's numbers (below)",
        "assistant",
    ),
    Variable(
        "GOLDEN_HOUR_MAX_MESSAGE_CHARS",
        "`2000`",
        "longer messages are refused with a clear answer",
        "assistant",
        value=2000,
    ),
    Variable(
        "GOLDEN_HOUR_TURN_TIMEOUT",
        "`20`",
        "seconds before a hanging turn is answered with the safety message",
        "assistant",
        value=20.0,
    ),
    Variable(
        "GOLDEN_HOUR_STRICT_REVIEW",
        "unset (`1` in tests)",
        "make overdue content reviews fatal",
        "assistant",
    ),
    Variable(
        "GOLDEN_HOUR_LOG_LEVEL",
        "`INFO`",
        "level of Golden Hour's own JSON logs",
        "assistant",
        value="INFO",
    ),
    Variable(
        "GOLDEN_HOUR_LOG_SALT",
        "built-in",
        "key for the short digests that stand for senders in logs",
        "assistant",
        secret=True,
    ),
    Variable(
        "GOLDEN_HOUR_HEALTH_TIMEOUT",
        "`2`",
        "seconds a readiness check waits for the action server or a database",
        "assistant",
        value=2.0,
    ),
    Variable(
        "GOLDEN_HOUR_MAX_SENDER_CHARS",
        "`128`",
        "longer sender ids are refused",
        "assistant",
        value=128,
    ),
    Variable(
        "GOLDEN_HOUR_PDF_FONT",
        "Debian's DejaVu Sans",
        "the Unicode font the PDF draft is written with",
        "assistant",
    ),
    Variable(
        "GOLDEN_HOUR_TRACKER_URL",
        "unset",
        (
            "Rasa's conversation database as one SQLAlchemy URL, for the retention command when it"
            " runs away from the servers"
        ),
        "assistant",
    ),
    Variable(
        "GOLDEN_HOUR_MODEL",
        "`models/CURRENT`",
        "the trained model the tests start Rasa with (`scripts/test` sets it)",
        "assistant",
    ),
    Variable(
        "RASA_TELEMETRY_ENABLED",
        "`false` in every start script",
        "Rasa's usage reports: off",
        "assistant",
    ),
    # Production (deploy/)
    Variable(
        "GOLDEN_HOUR_TRACKER_HOST", "none", "PostgreSQL for Rasa's conversations", "production"
    ),
    Variable(
        "GOLDEN_HOUR_TRACKER_PORT", "none", "PostgreSQL for Rasa's conversations", "production"
    ),
    Variable(
        "GOLDEN_HOUR_TRACKER_DB_NAME", "none", "its database, user and password", "production"
    ),
    Variable("GOLDEN_HOUR_TRACKER_USER", "none", "its database, user and password", "production"),
    Variable(
        "GOLDEN_HOUR_TRACKER_PASSWORD",
        "none",
        "its database, user and password",
        "production",
        secret=True,
    ),
    Variable("GOLDEN_HOUR_REDIS_HOST", "none", "Redis for the conversation locks", "production"),
    Variable("GOLDEN_HOUR_REDIS_PORT", "none", "Redis for the conversation locks", "production"),
    Variable(
        "GOLDEN_HOUR_REDIS_PASSWORD",
        "none",
        "Redis for the conversation locks",
        "production",
        secret=True,
    ),
    Variable(
        "TICKET_LOCK_LIFETIME",
        "`10` (Rasa's own default is 60)",
        "seconds a conversation lock outlives a server that died mid-turn",
        "production",
    ),
    Variable("LOG_LEVEL", "`INFO`", "Rasa's own log level", "production"),
    Variable(
        "SANIC_PROXIES_COUNT",
        "`1` behind HAProxy",
        (
            "Sanic reads the client's address from the last `X-Forwarded-For` entry; set it only "
            "behind a proxy that adds one"
        ),
        "production",
    ),
    Variable("GOLDEN_HOUR_LB_BIND", "none", "where HAProxy listens", "production"),
    Variable(
        "GOLDEN_HOUR_RASA_1", "none", "the Rasa servers behind HAProxy, host:port", "production"
    ),
    Variable(
        "GOLDEN_HOUR_RASA_2", "none", "the Rasa servers behind HAProxy, host:port", "production"
    ),
    # The web widget
    Variable(
        "GOLDEN_HOUR_WIDGET_ORIGINS",
        "unset",
        "other sites (origins, comma-separated) that may embed the widget",
        "widget",
    ),
    Variable(
        "GOLDEN_HOUR_WIDGET_KEY",
        "derived from the data key",
        "signs widget sessions; set it to the same value on every Rasa server",
        "widget",
        secret=True,
    ),
    Variable(
        "GOLDEN_HOUR_TRAINER_TOKEN",
        "unset",
        "the trainer's view password (HTTP Basic, any user name); unset: the view is off",
        "widget",
        secret=True,
    ),
    # Microsoft Teams
    Variable(
        "GOLDEN_HOUR_TEAMS_APP_ID",
        "unset",
        (
            "the bot's Microsoft App ID; unset: every request is refused (401), said in the log at"
            " start"
        ),
        "teams",
    ),
    Variable(
        "GOLDEN_HOUR_TEAMS_APP_PASSWORD",
        "unset",
        "the app's client secret, from your secret store",
        "teams",
        secret=True,
    ),
    Variable(
        "GOLDEN_HOUR_TEAMS_TENANT",
        "`botframework.com`",
        "your Microsoft Entra tenant id for a single-tenant bot (Microsoft's default for new bots)",
        "teams",
    ),
    Variable(
        "GOLDEN_HOUR_TEAMS_TOKEN_URL",
        "`https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`",
        "where reply tokens come from (scope `https://api.botframework.com/.default`)",
        "teams",
    ),
    Variable(
        "GOLDEN_HOUR_TEAMS_OPENID_URL",
        "`https://login.botframework.com/v1/.well-known/openidconfiguration`",
        "the metadata that names the signing keys",
        "teams",
    ),
    Variable(
        "GOLDEN_HOUR_TEAMS_ISSUER",
        "`https://api.botframework.com`",
        "the issuer incoming tokens must carry",
        "teams",
    ),
    Variable(
        "GOLDEN_HOUR_TEAMS_SENDER_KEY",
        "derived from the data key",
        (
            "keys the digest that is Rasa's conversation id for a Teams user (conversation + Entra"
            " object id); changing it starts every Teams user afresh"
        ),
        "teams",
        secret=True,
    ),
    Variable(
        "GOLDEN_HOUR_TEAMS_DSL_CONVERSATION_ID",
        "unset",
        "the safeguarding lead's Teams conversation (for example a channel, `19:...@thread.tacv2`)",
        "teams",
    ),
    Variable(
        "GOLDEN_HOUR_TEAMS_DSL_SERVICE_URL",
        "unset",
        "the Bot Framework service URL for that conversation (https)",
        "teams",
    ),
    Variable(
        "GOLDEN_HOUR_TEAMS_DSL_NAME",
        "unset",
        'how the button names them: "Send this draft to <name>"',
        "teams",
    ),
    # SMS
    Variable(
        "GOLDEN_HOUR_TWILIO_ACCOUNT_SID",
        "unset",
        "your Twilio account; unset: the webhook answers `503` and the log says so at start",
        "sms",
    ),
    Variable(
        "GOLDEN_HOUR_TWILIO_AUTH_TOKEN",
        "unset",
        "checks Twilio's signatures and sends the replies; from your secret store",
        "sms",
        secret=True,
    ),
    Variable(
        "GOLDEN_HOUR_SMS_WEBHOOK_URL",
        "the request's own URL",
        (
            "the webhook URL exactly as configured in Twilio; set it behind a proxy, since the "
            "signature covers Twilio's view of the URL"
        ),
        "sms",
    ),
    Variable(
        "GOLDEN_HOUR_TWILIO_MESSAGING_SERVICE_SID",
        "unset",
        "send replies through this Messaging Service instead of from the number texted",
        "sms",
    ),
    Variable(
        "GOLDEN_HOUR_SMS_SENDER_KEY",
        "derived from the data key",
        (
            "keys the hash that stands for a phone number; changing it starts every number afresh "
            "and forgets the opt-outs kept here (Twilio's own STOP block still holds)"
        ),
        "sms",
        secret=True,
    ),
    Variable(
        "GOLDEN_HOUR_SMS_MAX_SEGMENTS",
        "`10`",
        "segments per text, 1 to 10 (10 stays under Twilio's 1,600-character limit)",
        "sms",
    ),
    Variable(
        "GOLDEN_HOUR_SMS_EXTRA_FIELDS",
        "unset",
        "more webhook field names to accept, comma-separated, should Twilio add one",
        "sms",
    ),
    Variable(
        "GOLDEN_HOUR_TWILIO_API_BASE",
        "`https://api.twilio.com`",
        "where replies are sent (the tests point it at a local stand-in)",
        "sms",
    ),
)

VARIABLES: dict[str, Variable] = {v.name: v for v in LIST}


def table(section: str) -> str:
    """One section's Markdown table, neighbours that share ``what`` in one row."""
    rows = ["| variable | default | what |", "| --- | --- | --- |"]
    chosen = [v for v in LIST if v.section == section]
    for what, group in groupby(chosen, key=lambda v: v.what):
        same = list(group)
        names = " / ".join(f"`{v.name}`" for v in same)
        defaults = {v.default for v in same}
        default = same[0].default if len(defaults) == 1 else " / ".join(v.default for v in same)
        rows.append(f"| {names} | {default} | {what} |")
    return "\n".join(rows) + "\n"


def _marked(section: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- table: {section} .*?-->\n)(.*?)(<!-- end of table -->)", re.DOTALL)


def page_with_tables(page: str) -> str:
    """The configuration page with each marked table written from the list."""
    for section in SECTIONS:
        marked = _marked(section)
        if not marked.search(page):
            raise ValueError(f"docs/configuration.md has no marked table '{section}'")
        page = marked.sub(lambda m, s=section: m.group(1) + table(s) + m.group(3), page)
    return page


def main() -> int:
    """Rewrite the page's tables; with --check, say whether they are current."""
    current = PAGE.read_text(encoding="utf-8")
    wanted = page_with_tables(current)
    if "--check" in sys.argv[1:]:
        if wanted != current:
            print("docs/configuration.md is out of date: run python -m bot.environment")
            return 1
        return 0
    PAGE.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
