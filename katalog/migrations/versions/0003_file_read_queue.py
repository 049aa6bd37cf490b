"""document_file.queued_at: files waiting to be read again (pantau extract --all)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 05:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('document_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('document_file', schema=None) as batch_op:
        batch_op.drop_column('queued_at')
