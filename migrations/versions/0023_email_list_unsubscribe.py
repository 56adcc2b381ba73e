"""a one-click unsubscribe address on outgoing emails that offer one

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 15:50:00

- `outgoing_email.list_unsubscribe_url`: for back-in-stock emails, the address a mail client
  posts to when the reader presses its own "Unsubscribe" (RFC 8058). The worker sends it
  as the `List-Unsubscribe` and `List-Unsubscribe-Post` headers. Rows queued before have
  none, and go out without the headers (their body still has the link).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('outgoing_email', sa.Column('list_unsubscribe_url', sa.String(length=500),
                                              nullable=True))


def downgrade():
    with op.batch_alter_table('outgoing_email') as batch:
        batch.drop_column('list_unsubscribe_url')
