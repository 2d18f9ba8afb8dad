"""SMS: the webhooks already processed, and the question each conversation was
last shown (digests only).

Revision ID: 0006_sms_seen
Revises: 0005_case_owner
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_sms_seen"
down_revision = "0005_case_owner"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_seen",
        sa.Column("key_hash", sa.String(64), primary_key=True),
        sa.Column("seen_at", sa.DateTime, nullable=False, index=True),
    )
    op.create_table(
        "sms_shown",
        sa.Column("sender_hash", sa.String(64), primary_key=True),
        sa.Column("choices", sa.String(64), nullable=False),
        sa.Column("shown_at", sa.DateTime, nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("sms_shown")
    op.drop_table("sms_seen")
