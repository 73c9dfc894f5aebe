"""mentor accounts: an API token per account (stored as a hash), and a lock-out after failed sign-ins

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 23:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('mentors') as batch:
        batch.add_column(sa.Column('api_token_hash', sa.String(length=64), nullable=True))
        batch.create_index('ix_mentors_api_token_hash', ['api_token_hash'], unique=True)
        batch.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('mentors') as batch:
        batch.drop_column('locked_until')
        batch.drop_column('failed_logins')
        batch.drop_index('ix_mentors_api_token_hash')
        batch.drop_column('api_token_hash')
