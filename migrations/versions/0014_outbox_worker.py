"""outbox worker: when a row was claimed, and when it may be tried again

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 11:00:00

Mail is sent by a worker (`flask --app wsgi worker`), never inside a request.
`outgoing_email.claimed_at` says when a worker took a row to send it: a row left
`sending` for longer than EMAIL_STALE_MINUTES (a worker that crashed mid-send) is
queued again. `next_attempt_at` spaces out retries after a failure (exponential
backoff); empty means "at once", as for every row queued before this migration.
A row already left `sending` by the old code has no claimed_at and counts as stale.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outgoing_email', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade():
    # The old code only knows queued, sending and sent: a row given up on stays failed.
    with op.batch_alter_table('outgoing_email', schema=None) as batch_op:
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('claimed_at')
