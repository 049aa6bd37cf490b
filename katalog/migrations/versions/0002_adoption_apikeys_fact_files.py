"""facts per file, news outlet, adoption status, api keys

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 05:03:32.555951
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash')
    )
    op.create_table('adoption_status',
    sa.Column('region_code', sa.String(length=16), nullable=False),
    sa.Column('indicator', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('indicator_version', sa.String(length=32), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['region.kode'], ),
    sa.PrimaryKeyConstraint('region_code', 'indicator')
    )
    with op.batch_alter_table('adoption_status', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adoption_status_status'), ['status'], unique=False)

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outlet', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('published_on', sa.Date(), nullable=True))

    with op.batch_alter_table('fact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('file_sha256', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_fact_file_sha256'), ['file_sha256'], unique=False)
        batch_op.create_foreign_key('fk_fact_file_sha256', 'document_file', ['file_sha256'], ['sha256'])
        # facts are unique per file (a document's abstrak and its text have their own offsets)
        batch_op.drop_constraint('uq_fact_span', type_='unique')
        batch_op.create_unique_constraint(
            'uq_fact_span', ['document_id', 'file_sha256', 'kind', 'start', 'end', 'extractor_version'])



def downgrade() -> None:
    with op.batch_alter_table('fact', schema=None) as batch_op:
        batch_op.drop_constraint('uq_fact_span', type_='unique')
        batch_op.create_unique_constraint(
            'uq_fact_span', ['document_id', 'kind', 'start', 'end', 'extractor_version'])
        batch_op.drop_constraint('fk_fact_file_sha256', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_fact_file_sha256'))
        batch_op.drop_column('file_sha256')

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('published_on')
        batch_op.drop_column('outlet')

    with op.batch_alter_table('adoption_status', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adoption_status_status'))

    op.drop_table('adoption_status')
    op.drop_table('api_key')
