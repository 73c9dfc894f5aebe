"""mentor accounts: the dashboard's language per account (null: follow the browser)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('mentors') as batch:
        batch.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('mentors') as batch:
        batch.drop_column('language')
