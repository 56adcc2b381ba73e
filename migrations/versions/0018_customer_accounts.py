"""customer accounts, saved addresses (issue 18)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 09:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('customer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer')),
    sa.UniqueConstraint('email', name=op.f('uq_customer_email'))
    )
    op.create_table('customer_address',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('address1', sa.String(length=200), nullable=False),
    sa.Column('address2', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('region', sa.String(length=3), nullable=False),
    sa.Column('postal_code', sa.String(length=20), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(country) = 2', name=op.f('ck_customer_address_country_code')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'],
                            name=op.f('fk_customer_address_customer_id_customer'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_address'))
    )
    with op.batch_alter_table('customer_address', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_address_customer_id'), ['customer_id'],
                              unique=False)
        batch_op.create_index('uq_customer_address_one_default', ['customer_id'], unique=True,
                              sqlite_where=sa.text('is_default'),
                              postgresql_where=sa.text('is_default'))


def downgrade():
    with op.batch_alter_table('customer_address', schema=None) as batch_op:
        batch_op.drop_index('uq_customer_address_one_default',
                            sqlite_where=sa.text('is_default'),
                            postgresql_where=sa.text('is_default'))
        batch_op.drop_index(batch_op.f('ix_customer_address_customer_id'))
    op.drop_table('customer_address')
    op.drop_table('customer')
