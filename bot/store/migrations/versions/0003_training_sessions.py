"""Training sessions: practice on fictional scenarios, apart from real cases.

Revision ID: 0003_training_sessions
Revises: 0002_sms_opt_outs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_training_sessions"
down_revision = "0002_sms_opt_outs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_sessions",
        sa.Column("ref", sa.String(16), primary_key=True),
        sa.Column("pseudonym", sa.String(32), nullable=False),
        sa.Column("group_code", sa.String(32), nullable=True),
        sa.Column("scenario", sa.String(80), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("started", sa.DateTime, nullable=False),
        sa.Column("finished", sa.DateTime, nullable=True),
        sa.Column("turns", sa.Integer, nullable=True),
        sa.Column("advice_turn", sa.Integer, nullable=True),
        sa.Column("score", sa.Integer, nullable=True),
        sa.Column("missed", sa.Text, nullable=True),
        sa.Column("debrief", sa.Text, nullable=True),
    )
    op.create_index("ix_training_sessions_group_code", "training_sessions", ["group_code"])


def downgrade() -> None:
    op.drop_index("ix_training_sessions_group_code", "training_sessions")
    op.drop_table("training_sessions")
