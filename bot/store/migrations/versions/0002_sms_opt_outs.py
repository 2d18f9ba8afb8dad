"""SMS opt-outs (keyed hashes of the numbers that replied STOP).

Revision ID: 0002_sms_opt_outs
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_sms_opt_outs"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_opt_outs",
        sa.Column("sender_hash", sa.String(64), primary_key=True),
        sa.Column("opted_out_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sms_opt_outs")
