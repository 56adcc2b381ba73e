"""product images, specifications, warranty edits (issue 20)

Pictures per product (and variant) in product_image; specification attributes per category
(category.spec_keys) with each product's values in canonical units (product.specs).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 09:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'product_image',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('variant_id', sa.Integer(), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('stem', sa.String(length=120), nullable=False),
        sa.Column('widths', sa.JSON(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('alt', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['product_id'], ['product.id']),
        sa.ForeignKeyConstraint(['variant_id'], ['variant.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('stem'),
    )
    with op.batch_alter_table('product_image', schema=None) as batch_op:
        batch_op.create_index('ix_product_image_product_position',
                              ['product_id', 'position', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_product_image_variant_id'), ['variant_id'],
                              unique=False)
    # Plain ADD COLUMN (no table copy on SQLite: the search triggers name these tables);
    # existing rows get empty lists and maps from the server default.
    op.add_column('category', sa.Column('spec_keys', sa.JSON(), nullable=False,
                                        server_default=sa.text("'[]'")))
    op.add_column('product', sa.Column('specs', sa.JSON(), nullable=False,
                                       server_default=sa.text("'{}'")))


def downgrade():
    op.drop_column('product', 'specs')  # SQLite 3.35+ drops a column in place
    op.drop_column('category', 'spec_keys')
    with op.batch_alter_table('product_image', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_image_variant_id'))
        batch_op.drop_index('ix_product_image_product_position')
    op.drop_table('product_image')
