"""catalog CSV uploads kept server-side between preview and apply

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 10:00:00

`csv_upload` holds an uploaded catalog CSV under the SHA-256 of its text and the manager
who uploaded it, so the apply step posts only the digest instead of the whole file. Rows
are pruned a day after upload; `applied_at` marks a file already imported.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('csv_upload',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['uploaded_by'], ['staff_user.id'],
                            name=op.f('fk_csv_upload_uploaded_by_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('digest', 'uploaded_by', name=op.f('pk_csv_upload'))
    )
    op.create_index(op.f('ix_csv_upload_created_at'), 'csv_upload', ['created_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_csv_upload_created_at'), table_name='csv_upload')
    op.drop_table('csv_upload')
