"""Channel modes: which practice conversation a channel user is in, if any.

Revision ID: 0004_channel_modes
Revises: 0003_training_sessions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_channel_modes"
down_revision = "0003_training_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel_modes",
        sa.Column("sender", sa.String(80), primary_key=True),
        sa.Column("training_sender", sa.String(80), nullable=False),
        sa.Column("since", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("channel_modes")
