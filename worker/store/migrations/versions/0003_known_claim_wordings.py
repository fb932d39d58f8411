"""known_claims.wording_of: a repeat in new words, kept as another wording of its claim

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 18:00:00

A claim judged known in words no known claim had is stored too, as a wording of the claim it
repeats, so that the next retelling can match it (docs/claims.md, "Wordings"). Rows stored
before this revision are claims of their own (NULL).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("known_claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wording_of", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    # The wordings go with their column: without it they would pass for claims of their own.
    op.execute(sa.text("DELETE FROM known_claims WHERE wording_of IS NOT NULL"))
    with op.batch_alter_table("known_claims", schema=None) as batch_op:
        batch_op.drop_column("wording_of")
