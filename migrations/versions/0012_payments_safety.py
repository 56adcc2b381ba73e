"""payments safety: one open checkout per cart, one pending refund per order

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 10:00:00

A partial unique index allows one `pending_payment` order per cart, so a second submit
(double click, second tab, two workers at once) can never reserve the cart's stock twice.
Carts that already hold several pending orders keep the newest; the older ones are
expired here and their reservations given back, as the expiry sweep would.

A second partial unique index allows one `pending` refund per order: a refund whose
outcome at Stripe is unknown is reconciled under its own key before any new one.
`payment_mismatch` is a new order status (a string column: no schema change).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

PENDING_ORDER = sa.text("status = 'pending_payment'")
PENDING_REFUND = sa.text("status = 'pending'")


def _expire_duplicate_pending_orders(bind) -> None:
    older = bind.execute(sa.text(
        "SELECT o.id FROM shop_order o WHERE o.status = 'pending_payment' "
        "AND o.cart_id IS NOT NULL AND o.id < (SELECT max(n.id) FROM shop_order n "
        "WHERE n.cart_id = o.cart_id AND n.status = 'pending_payment')")).scalars().all()
    for order_id in older:
        lines = bind.execute(sa.text(
            "SELECT variant_id, quantity FROM order_line WHERE order_id = :id "
            "AND variant_id IS NOT NULL"), {"id": order_id}).all()
        for variant_id, quantity in lines:
            bind.execute(sa.text(
                "UPDATE variant SET reserved = reserved - :q WHERE id = :v AND reserved >= :q"),
                {"q": quantity, "v": variant_id})
        bind.execute(sa.text(
            "UPDATE shop_order SET status = 'expired', reservation_released = :yes "
            "WHERE id = :id"), {"id": order_id, "yes": True})
        bind.execute(sa.text(
            "INSERT INTO order_status_change (order_id, status, note, actor, created_at) "
            "VALUES (:id, 'expired', 'Replaced by a newer checkout of the same cart', "
            "'system', CURRENT_TIMESTAMP)"), {"id": order_id})


def upgrade():
    _expire_duplicate_pending_orders(op.get_bind())
    op.create_index('uq_shop_order_one_pending_per_cart', 'shop_order', ['cart_id'], unique=True,
                    sqlite_where=PENDING_ORDER, postgresql_where=PENDING_ORDER)
    op.create_index('uq_refund_one_pending_per_order', 'refund', ['order_id'], unique=True,
                    sqlite_where=PENDING_REFUND, postgresql_where=PENDING_REFUND)


def downgrade():
    op.drop_index('uq_refund_one_pending_per_order', table_name='refund')
    op.drop_index('uq_shop_order_one_pending_per_cart', table_name='shop_order')
