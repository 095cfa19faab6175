"""live answers keep their grade's fraction: every question type runs live, partial credit included (issue 20)

Revision ID: 0019
Revises: 0018

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    # a plain ALTER TABLE ADD COLUMN, no batch rebuild (see 0017)
    op.add_column('live_answer', sa.Column('score', sa.Double(), nullable=True))
    # until now only one-button questions ran live: right is the whole mark, wrong none
    op.execute("UPDATE live_answer SET score = CASE WHEN correct THEN 1.0 ELSE 0.0 END")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute('ALTER TABLE live_answer DROP COLUMN score')  # SQLite's own (3.35+), as 0017's
    else:
        op.drop_column('live_answer', 'score')
