"""returns and warranty claims keep what the shop told the customer

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 09:00:00

`customer_message` holds a rejection's reason (or, for a closed claim, what was done) so
the customer's order page can show it next to the request, as the email did.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

TABLES = ('return_request', 'warranty_claim')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('customer_message', sa.String(length=1000),
                                          server_default='', nullable=False))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('customer_message')
