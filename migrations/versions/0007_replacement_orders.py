"""replacements ship as their own zero-price orders

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 09:30:00

`shop_order.replacement_for_id` links a replacement order to the order whose items it
replaces, so the original keeps its delivery date while the replacement is packed and
shipped like any other order.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replacement_for_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_shop_order_replacement_for_id_shop_order'),
                                    'shop_order', ['replacement_for_id'], ['id'])


def downgrade():
    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_shop_order_replacement_for_id_shop_order'),
                                 type_='foreignkey')
        batch_op.drop_column('replacement_for_id')
