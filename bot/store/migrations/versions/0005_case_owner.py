"""Cases: the keyed digest of the conversation each case belongs to.

Revision ID: 0005_case_owner
Revises: 0004_channel_modes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_case_owner"
down_revision = "0004_channel_modes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: cases saved before this revision have no owner until their
    # conversation saves them again (bot/store/cases.py).
    op.add_column("cases", sa.Column("owner", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("owner")
