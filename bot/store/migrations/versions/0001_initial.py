"""Resume codes, cases, answers, drafts and the audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resume_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("case_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False, index=True),
    )
    op.create_table(
        "resume_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("who", sa.String(64), nullable=False, index=True),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "cases",
        sa.Column("ref", sa.String(16), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False, index=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("role", sa.String(32)),
        sa.Column("nation", sa.String(32)),
        sa.Column("setting", sa.String(32)),
        sa.Column("going_missing", sa.String(16)),
        sa.Column("concern", sa.String(16)),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "case_ref",
            sa.String(16),
            sa.ForeignKey("cases.ref", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("question", sa.String(80), nullable=False),
        sa.Column("value", sa.String(16), nullable=False),
        sa.Column("how", sa.String(16)),
        sa.Column("note", sa.LargeBinary),
        sa.Column("answered_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("case_ref", "question", name="uq_answer_per_question"),
    )
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "case_ref",
            sa.String(16),
            sa.ForeignKey("cases.ref", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("text", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("case_ref", "version", name="uq_draft_version"),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "case_ref",
            sa.String(16),
            sa.ForeignKey("cases.ref", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("who", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    for table in ("audit", "drafts", "answers", "cases", "resume_failures", "resume_codes"):
        op.drop_table(table)
