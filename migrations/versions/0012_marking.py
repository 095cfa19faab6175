"""essay marking, grade overrides and self-rated reviews (issue 16, points 6 and 3)

A teacher's mark and comment on an answer, a teacher's override of an
attempt's grade (with its reason), audit events about an attempt (marks and
overrides: ``question_id`` is empty for an override), and whether a review's
rating was the learner's own (a flashcard) rather than derived from a score.

Revision ID: 0012
Revises: 0011

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('teacher_comment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('marked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('marked_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key('fk_answer_marked_by', 'user', ['marked_by_id'], ['id'])
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grade_override', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('override_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('override_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('override_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key('fk_attempt_override_by', 'user', ['override_by_id'], ['id'])
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempt_id', sa.Integer(), nullable=True))
        batch_op.alter_column('question_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index('ix_audit_event_attempt_at', ['attempt_id', 'at'], unique=False)
    with op.batch_alter_table('review_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('self_rated', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('review_log', schema=None) as batch_op:
        batch_op.drop_column('self_rated')
    op.execute("DELETE FROM audit_event WHERE question_id IS NULL")
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_attempt_at')
        batch_op.alter_column('question_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('attempt_id')
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_constraint('fk_attempt_override_by', type_='foreignkey')
        batch_op.drop_column('override_at')
        batch_op.drop_column('override_by_id')
        batch_op.drop_column('override_reason')
        batch_op.drop_column('grade_override')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_constraint('fk_answer_marked_by', type_='foreignkey')
        batch_op.drop_column('marked_at')
        batch_op.drop_column('marked_by_id')
        batch_op.drop_column('teacher_comment')
