"""sales tax stored on orders, discount codes (issue 18)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 09:00:00

Orders keep the sales tax Stripe computed (per line and for shipping) and what a discount
code took off (per line and off shipping); the total is now subtotal - discount +
shipping + tax. `discount_code` holds the codes managers create, with their use counter
(taken by a conditional UPDATE when an order is placed); `discount_email_use` counts
each customer email's uses of a code; two link tables restrict a code to categories or
products. Carts remember the code their customer entered.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

OLD_TOTAL = "total_cents = subtotal_cents + shipping_cents"
NEW_TOTAL = "total_cents = subtotal_cents - discount_cents + shipping_cents + tax_cents"


def _zero(name):
    return sa.Column(name, sa.Integer(), nullable=False, server_default="0")


def upgrade():
    op.create_table(
        'discount_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('percent', sa.Integer(), nullable=False),
        sa.Column('amount_cents', sa.Integer(), nullable=False),
        sa.Column('min_subtotal_cents', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('max_uses', sa.Integer(), nullable=True),
        sa.Column('uses', sa.Integer(), nullable=False),
        sa.Column('per_email_limit', sa.Integer(), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('note', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=254), nullable=False),
        sa.CheckConstraint("kind IN ('percent', 'fixed', 'free_shipping')", name=op.f('ck_discount_code_kind_known')),
        sa.CheckConstraint('percent >= 0 AND percent <= 100', name=op.f('ck_discount_code_percent_range')),
        sa.CheckConstraint("(kind = 'percent' AND percent >= 1) OR (kind = 'fixed' AND amount_cents > 0)"
                           " OR kind = 'free_shipping'", name=op.f('ck_discount_code_terms_fit_kind')),
        sa.CheckConstraint('amount_cents >= 0 AND min_subtotal_cents >= 0', name=op.f('ck_discount_code_money_not_negative')),
        sa.CheckConstraint('uses >= 0', name=op.f('ck_discount_code_uses_not_negative')),
        sa.CheckConstraint('max_uses IS NULL OR max_uses > 0', name=op.f('ck_discount_code_max_uses_positive')),
        sa.CheckConstraint('per_email_limit IS NULL OR per_email_limit > 0',
                           name=op.f('ck_discount_code_per_email_limit_positive')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_discount_code')),
        sa.UniqueConstraint('code', name=op.f('uq_discount_code_code')),
    )
    op.create_table(
        'discount_email_use',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('discount_code_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('uses', sa.Integer(), nullable=False),
        sa.CheckConstraint('uses >= 0', name=op.f('ck_discount_email_use_uses_not_negative')),
        sa.ForeignKeyConstraint(['discount_code_id'], ['discount_code.id'], ondelete='CASCADE',
                                name=op.f('fk_discount_email_use_discount_code_id_discount_code')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_discount_email_use')),
        sa.UniqueConstraint('discount_code_id', 'email', name=op.f('uq_discount_email_use_code_email')),
    )
    for link, column, target in (('discount_code_category', 'category_id', 'category'),
                                 ('discount_code_product', 'product_id', 'product')):
        op.create_table(
            link,
            sa.Column('discount_code_id', sa.Integer(), nullable=False),
            sa.Column(column, sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(['discount_code_id'], ['discount_code.id'], ondelete='CASCADE',
                                    name=op.f(f'fk_{link}_discount_code_id_discount_code')),
            sa.ForeignKeyConstraint([column], [f'{target}.id'], ondelete='CASCADE',
                                    name=op.f(f'fk_{link}_{column}_{target}')),
            sa.PrimaryKeyConstraint('discount_code_id', column, name=op.f(f'pk_{link}')),
        )
    with op.batch_alter_table('cart') as batch:
        batch.add_column(sa.Column('discount_code', sa.String(length=40), nullable=False,
                                   server_default=""))
    with op.batch_alter_table('order_line') as batch:
        batch.add_column(_zero('discount_cents'))
        batch.add_column(_zero('tax_cents'))
        batch.create_check_constraint(
            op.f('ck_order_line_line_discount_and_tax'),
            'discount_cents >= 0 AND discount_cents <= unit_price_cents * quantity AND tax_cents >= 0')
    with op.batch_alter_table('shop_order') as batch:
        batch.add_column(_zero('discount_cents'))
        batch.add_column(_zero('shipping_discount_cents'))
        batch.add_column(_zero('tax_cents'))
        batch.add_column(_zero('shipping_tax_cents'))
        batch.add_column(sa.Column('discount_code', sa.String(length=40), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column('discount_code_id', sa.Integer(), nullable=True))
        batch.create_index(op.f('ix_shop_order_discount_code_id'), ['discount_code_id'])
        batch.create_foreign_key(op.f('fk_shop_order_discount_code_id_discount_code'), 'discount_code',
                                 ['discount_code_id'], ['id'])
        batch.drop_constraint(op.f('ck_shop_order_total_adds_up'), type_='check')
        batch.create_check_constraint(op.f('ck_shop_order_total_adds_up'), NEW_TOTAL)
        batch.create_check_constraint(
            op.f('ck_shop_order_discount_within_order'), 'discount_cents >= 0 AND discount_cents <= subtotal_cents + shipping_cents')
        batch.create_check_constraint(
            op.f('ck_shop_order_tax_not_negative'), 'tax_cents >= 0 AND shipping_tax_cents >= 0 AND shipping_tax_cents <= tax_cents')


def downgrade():
    with op.batch_alter_table('shop_order') as batch:
        batch.drop_constraint(op.f('ck_shop_order_tax_not_negative'), type_='check')
        batch.drop_constraint(op.f('ck_shop_order_discount_within_order'), type_='check')
        batch.drop_constraint(op.f('ck_shop_order_total_adds_up'), type_='check')
        batch.create_check_constraint(op.f('ck_shop_order_total_adds_up'), OLD_TOTAL)
        batch.drop_constraint(op.f('fk_shop_order_discount_code_id_discount_code'), type_='foreignkey')
        batch.drop_index(op.f('ix_shop_order_discount_code_id'))
        for column in ('discount_code_id', 'discount_code', 'shipping_tax_cents', 'tax_cents',
                       'shipping_discount_cents', 'discount_cents'):
            batch.drop_column(column)
    with op.batch_alter_table('order_line') as batch:
        batch.drop_constraint(op.f('ck_order_line_line_discount_and_tax'), type_='check')
        batch.drop_column('tax_cents')
        batch.drop_column('discount_cents')
    with op.batch_alter_table('cart') as batch:
        batch.drop_column('discount_code')
    op.drop_table('discount_code_product')
    op.drop_table('discount_code_category')
    op.drop_table('discount_email_use')
    op.drop_table('discount_code')
