"""product images, specifications, warranty edits (issue 20)

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
    pass


def downgrade():
    pass
