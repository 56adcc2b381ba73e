"""order lines count the units under return requests

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 08:00:00

`order_line.return_requested` is claimed with a conditional update when a customer asks
for a return, and the check constraint keeps it within the quantity bought. Existing
requests that were not rejected are counted in.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('return_requested', sa.Integer(), server_default='0',
                                      nullable=False))
    op.execute(sa.text(
        "UPDATE order_line SET return_requested = (SELECT COALESCE(SUM(r.quantity), 0) "
        "FROM return_request r WHERE r.order_line_id = order_line.id "
        "AND r.status <> 'rejected')"))
    op.execute(sa.text("UPDATE order_line SET return_requested = quantity "
                       "WHERE return_requested > quantity"))
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_order_line_returns_within_quantity'),
            'return_requested >= 0 AND return_requested <= quantity')


def downgrade():
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_order_line_returns_within_quantity'), type_='check')
        batch_op.drop_column('return_requested')
