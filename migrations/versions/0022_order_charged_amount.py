"""what Stripe charged on a payment mismatch, kept on the order

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 12:45:00

- `shop_order.charged_amount`, `shop_order.charged_currency`: what Stripe charged when it
  was not the order's total. The back office read a payment in another currency back
  from the wording of the order's history note; it reads these columns now. Orders
  already in `payment_mismatch` get them from that note, once, here.
"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

NOTE = re.compile(r"Stripe charged (\d+) ([A-Z]{3}) cents")


def upgrade():
    op.add_column('shop_order', sa.Column('charged_amount', sa.Integer(), nullable=True))
    op.add_column('shop_order', sa.Column('charged_currency', sa.String(length=3),
                                          nullable=True))
    conn = op.get_bind()
    notes = conn.execute(sa.text(
        "SELECT o.id, h.note FROM shop_order o JOIN order_status_change h ON h.order_id = o.id "
        "WHERE o.status = 'payment_mismatch' AND h.status = 'payment_mismatch' "
        "ORDER BY h.id")).all()
    for order_id, note in notes:  # the last note of each order wins
        found = NOTE.match(note or "")
        if found:
            conn.execute(sa.text("UPDATE shop_order SET charged_amount = :amount, "
                                 "charged_currency = :currency WHERE id = :id"),
                         {"amount": int(found.group(1)), "currency": found.group(2).lower(),
                          "id": order_id})


def downgrade():
    with op.batch_alter_table('shop_order', schema=None) as batch_op:
        batch_op.drop_column('charged_currency')
        batch_op.drop_column('charged_amount')
