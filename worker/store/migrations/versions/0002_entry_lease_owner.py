"""entries.lease_owner: the task holding an entry's lease

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07 14:40:00

A task's own retry (Celery keeps the task id) takes back the leases it held at once, instead
of waiting for them to run out and for the stranded sweep; and a crash of a pool process
counts only against the entries its task held (docs/reliability.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_column("lease_owner")
