"""shop contact settings, order dates, RMA numbers (issue 20)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 09:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    # Nothing to store: the contact, return-address and discreet-sender settings are read
    # from the environment (shop/config.py); the shipped and delivered dates are the
    # orders' shipped_at and delivered_at; an RMA number is the return's id, written
    # RMA-000123 (shop.orders.aftercare.rma_number). The revision keeps the chain.
    pass


def downgrade():
    pass
