"""jdih_site (the registry of regional JDIH addresses and what discovery found at each) and
source_alert (a source that broke: 0 items, a changed CMS fingerprint, no new document for long)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 12:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('jdih_site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=16), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('publisher', sa.String(length=16), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=True),
    sa.Column('feed_url', sa.Text(), nullable=True),
    sa.Column('listing_url', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('probe', sa.JSON(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['region_code'], ['region.kode'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('region_code', 'url', name='uq_jdih_site_region_url')
    )
    with op.batch_alter_table('jdih_site', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jdih_site_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_jdih_site_host'), ['host'], unique=False)
        batch_op.create_index(batch_op.f('ix_jdih_site_status'), ['status'], unique=False)

    op.create_table('source_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('notify_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['source_run.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('source_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_alert_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_source_alert_opened_at'), ['opened_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('source_alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_alert_opened_at'))
        batch_op.drop_index(batch_op.f('ix_source_alert_source_id'))
    op.drop_table('source_alert')
    with op.batch_alter_table('jdih_site', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jdih_site_status'))
        batch_op.drop_index(batch_op.f('ix_jdih_site_host'))
        batch_op.drop_index(batch_op.f('ix_jdih_site_region_code'))
    op.drop_table('jdih_site')
