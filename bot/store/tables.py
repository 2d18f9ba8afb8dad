"""Every table of Golden Hour's own store, in one place: what a migration
(bot/store/migrations) and a reviewer of what is kept read first. The modules
beside this one read and write them; notes and drafts are kept encrypted
(LargeBinary) and never as text."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# --- cases (bot/store/cases.py)
cases = Table(
    "cases",
    metadata,
    Column("ref", String(16), primary_key=True),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False, index=True),
    Column("channel", String(32), nullable=False),
    Column("language", String(8), nullable=False),
    Column("role", String(32)),
    Column("nation", String(32)),
    Column("setting", String(32)),
    Column("going_missing", String(16)),
    Column("concern", String(16)),
    Column("status", String(16), nullable=False),  # open | done | ended
    # Keyed digest of the sender id of the conversation the case belongs to
    # (case_owner()); NULL for a case saved before owners were kept.
    Column("owner", String(64)),
)

answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_ref", String(16), ForeignKey("cases.ref", ondelete="CASCADE"), nullable=False),
    Column("question", String(80), nullable=False),
    Column("value", String(16), nullable=False),
    Column("how", String(16)),
    Column("note", LargeBinary),  # encrypted, redacted
    Column("answered_at", DateTime, nullable=False),
    UniqueConstraint("case_ref", "question", name="uq_answer_per_question"),
)

drafts = Table(
    "drafts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_ref", String(16), ForeignKey("cases.ref", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("text", LargeBinary, nullable=False),  # encrypted
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("case_ref", "version", name="uq_draft_version"),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_ref", String(16), ForeignKey("cases.ref", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("who", String(32), nullable=False),  # keyed pseudonym of the sender
    Column("channel", String(32), nullable=False),
    Column("action", String(64), nullable=False),
)

# --- resume (bot/store/resume.py)
resume_codes = Table(
    "resume_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("case_json", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False, index=True),
)

resume_failures = Table(
    "resume_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("who", String(64), nullable=False, index=True),
    Column("at", DateTime, nullable=False),
)

# --- opt_outs (bot/store/opt_outs.py)
sms_opt_outs = Table(
    "sms_opt_outs",
    metadata,
    Column("sender_hash", String(64), primary_key=True),
    Column("opted_out_at", DateTime, nullable=False),
)

sms_seen = Table(
    "sms_seen",
    metadata,
    Column("key_hash", String(64), primary_key=True),
    Column("seen_at", DateTime, nullable=False, index=True),
)

sms_shown = Table(
    "sms_shown",
    metadata,
    Column("sender_hash", String(64), primary_key=True),
    Column("choices", String(64), nullable=False),
    Column("shown_at", DateTime, nullable=False, index=True),
)

# --- modes (bot/store/modes.py)
channel_modes = Table(
    "channel_modes",
    metadata,
    Column("sender", String(80), primary_key=True),
    Column("training_sender", String(80), nullable=False),
    Column("since", DateTime, nullable=False),
)

# --- training (bot/store/training.py)
training_sessions = Table(
    "training_sessions",
    metadata,
    Column("ref", String(16), primary_key=True),
    Column("pseudonym", String(32), nullable=False),
    Column("group_code", String(32), nullable=True, index=True),
    Column("scenario", String(80), nullable=False),
    Column("language", String(8), nullable=False),
    Column("started", DateTime, nullable=False),
    Column("finished", DateTime, nullable=True),
    Column("turns", Integer, nullable=True),
    Column("advice_turn", Integer, nullable=True),
    Column("score", Integer, nullable=True),
    Column("missed", Text, nullable=True),  # JSON list of indicator ids
    Column("debrief", Text, nullable=True),
)
