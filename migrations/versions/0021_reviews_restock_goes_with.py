"""reviews, back-in-stock requests, goes-with links (issue 20)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 09:00:00

- `back_in_stock_request`: "email me when it's back" per SKU and address; one open
  (pending or confirmed) request per SKU and address (a partial unique index).
- `product_review`: verified-purchase reviews, 1-5 stars; one per product and address
  unless rejected (a partial unique index); ratings read from (product_id, status, rating).
- `product_link`: accessories that go with a product, each pair once, never itself.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

OPEN_ALERT = sa.text("status IN ('pending', 'confirmed')")
NOT_REJECTED = sa.text("status <> 'rejected'")


def upgrade():
    op.create_table(
        'back_in_stock_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('variant_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('unsubscribed_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'confirmed', 'notified', 'unsubscribed')",
                           name=op.f('ck_back_in_stock_request_status_known')),
        sa.ForeignKeyConstraint(['variant_id'], ['variant.id'],
                                name=op.f('fk_back_in_stock_request_variant_id_variant')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_back_in_stock_request')),
        sa.UniqueConstraint('token', name=op.f('uq_back_in_stock_request_token')),
    )
    op.create_index('ix_back_in_stock_request_email', 'back_in_stock_request', ['email'])
    op.create_index('ix_back_in_stock_request_variant_status', 'back_in_stock_request',
                    ['variant_id', 'status'])
    op.create_index('uq_back_in_stock_request_open', 'back_in_stock_request',
                    ['variant_id', 'email'], unique=True,
                    sqlite_where=OPEN_ALERT, postgresql_where=OPEN_ALERT)

    op.create_table(
        'product_review',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('author', sa.String(length=60), nullable=False),
        sa.Column('rating', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('claims', sa.JSON(), nullable=False),
        sa.Column('rejection_reason', sa.String(length=500), nullable=False),
        sa.Column('moderated_by', sa.String(length=120), nullable=False),
        sa.Column('moderated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('rating BETWEEN 1 AND 5',
                           name=op.f('ck_product_review_rating_one_to_five')),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')",
                           name=op.f('ck_product_review_status_known')),
        sa.ForeignKeyConstraint(['order_id'], ['shop_order.id'],
                                name=op.f('fk_product_review_order_id_shop_order')),
        sa.ForeignKeyConstraint(['product_id'], ['product.id'],
                                name=op.f('fk_product_review_product_id_product')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_product_review')),
    )
    op.create_index('ix_product_review_order_id', 'product_review', ['order_id'])
    op.create_index('ix_product_review_product_status', 'product_review',
                    ['product_id', 'status', 'rating'])
    op.create_index('ix_product_review_status_created', 'product_review',
                    ['status', 'created_at'])
    op.create_index('uq_product_review_one_per_buyer', 'product_review',
                    ['product_id', 'email'], unique=True,
                    sqlite_where=NOT_REJECTED, postgresql_where=NOT_REJECTED)

    op.create_table(
        'product_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('accessory_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('product_id <> accessory_id', name=op.f('ck_product_link_not_itself')),
        sa.ForeignKeyConstraint(['accessory_id'], ['product.id'],
                                name=op.f('fk_product_link_accessory_id_product')),
        sa.ForeignKeyConstraint(['product_id'], ['product.id'],
                                name=op.f('fk_product_link_product_id_product')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_product_link')),
        sa.UniqueConstraint('product_id', 'accessory_id', name='uq_product_link_pair'),
    )
    op.create_index('ix_product_link_accessory_id', 'product_link', ['accessory_id'])


def downgrade():
    op.drop_index('ix_product_link_accessory_id', table_name='product_link')
    op.drop_table('product_link')
    for name in ('uq_product_review_one_per_buyer', 'ix_product_review_status_created',
                 'ix_product_review_product_status', 'ix_product_review_order_id'):
        op.drop_index(name, table_name='product_review')
    op.drop_table('product_review')
    for name in ('uq_back_in_stock_request_open', 'ix_back_in_stock_request_variant_status',
                 'ix_back_in_stock_request_email'):
        op.drop_index(name, table_name='back_in_stock_request')
    op.drop_table('back_in_stock_request')
