"""index on document.updated_at: the national view's cache key reads max(updated_at) on every
request, which without it scans every document

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 06:20:00
"""
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_updated_at'), ['updated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_updated_at'))
