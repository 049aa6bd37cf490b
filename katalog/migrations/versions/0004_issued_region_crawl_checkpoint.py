"""document.issued_region_code (the code a document was issued under) and crawl_checkpoint (the
listing pages a crawl has read, so a killed crawl resumes)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('crawl_checkpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('listing', sa.String(length=500), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('entries', sa.JSON(), nullable=False),
    sa.Column('last', sa.Boolean(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['source_run.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_id', 'listing', 'page', name='uq_crawl_checkpoint_page')
    )
    with op.batch_alter_table('crawl_checkpoint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crawl_checkpoint_source_id'), ['source_id'], unique=False)

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issued_region_code', sa.String(length=16), nullable=True))
    # documents catalogued before: issued under the code they carry
    op.execute("UPDATE document SET issued_region_code = region_code WHERE region_code IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('issued_region_code')

    with op.batch_alter_table('crawl_checkpoint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crawl_checkpoint_source_id'))

    op.drop_table('crawl_checkpoint')
