"""order lines count the units replaced under warranty: one remedy per unit

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 10:00:00

`order_line.warranty_replaced` is claimed with a conditional update when staff approve a
warranty replacement, and a check constraint keeps the units asked back in returns plus
the units replaced under warranty within the quantity bought: a unit is refunded or
replaced once. Replacements already sent for claims are counted in (an approved
replacement, or a closed claim whose replacement left the stock ledger), as far as the
line has units left; a line that already got both keeps its returns' count.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warranty_replaced', sa.Integer(), server_default='0',
                                      nullable=False))
    op.execute(sa.text(
        "UPDATE order_line SET warranty_replaced = (SELECT COUNT(*) FROM warranty_claim c "
        "WHERE c.order_line_id = order_line.id AND (c.status = 'approved_replacement' "
        "OR (c.status = 'closed' AND EXISTS (SELECT 1 FROM stock_movement m "
        "WHERE m.reason = 'replacement' "
        "AND m.note LIKE 'Warranty claim #' || CAST(c.id AS VARCHAR(20)) || ';%'))))"))
    op.execute(sa.text("UPDATE order_line SET warranty_replaced = quantity - return_requested "
                       "WHERE return_requested + warranty_replaced > quantity"))
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_order_line_one_remedy_per_unit'),
            'warranty_replaced >= 0 AND return_requested + warranty_replaced <= quantity')


def downgrade():
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_order_line_one_remedy_per_unit'), type_='check')
        batch_op.drop_column('warranty_replaced')
