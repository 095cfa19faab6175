"""live sessions: a teacher runs a quiz in class, phones join by code (issue 20)

Revision ID: 0018
Revises: 0017

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'live_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(12), nullable=False),
        sa.Column('quiz_id', sa.Integer(), nullable=False),
        sa.Column('teacher_id', sa.Integer(), nullable=False),
        sa.Column('run', sa.Integer(), nullable=False),
        sa.Column('layout', sa.JSON(), nullable=False),
        sa.Column('seconds_per_question', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('phase', sa.String(16), nullable=False),
        sa.Column('phase_started_at', sa.DateTime(), nullable=False),
        sa.Column('deadline_at', sa.DateTime(), nullable=True),
        sa.Column('remaining_ms', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['quiz_id'], ['quiz.id'], name='fk_live_session_quiz'),
        sa.ForeignKeyConstraint(['teacher_id'], ['user.id'], name='fk_live_session_teacher'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
    )
    with op.batch_alter_table('live_session') as batch_op:
        batch_op.create_index(batch_op.f('ix_live_session_quiz_id'), ['quiz_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_live_session_teacher_id'), ['teacher_id'], unique=False)

    with op.batch_alter_table('attempt') as batch_op:
        batch_op.add_column(sa.Column('live_session_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_attempt_live_session', 'live_session', ['live_session_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_attempt_live_session_id'), ['live_session_id'], unique=False)

    op.create_table(
        'live_participant',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('nickname', sa.String(40), nullable=False),
        sa.Column('nickname_key', sa.String(40), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('attempt_id', sa.Integer(), nullable=True),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('streak', sa.Integer(), nullable=False),
        sa.Column('joined_at', sa.DateTime(), nullable=False),
        sa.Column('removed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['session_id'], ['live_session.id'], name='fk_live_participant_session'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name='fk_live_participant_user'),
        sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], name='fk_live_participant_attempt'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('session_id', 'nickname_key', name='uq_live_participant_nickname'),
        sa.UniqueConstraint('session_id', 'user_id', name='uq_live_participant_user'),
    )
    with op.batch_alter_table('live_participant') as batch_op:
        batch_op.create_index(batch_op.f('ix_live_participant_session_id'), ['session_id'], unique=False)

    op.create_table(
        'live_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('response', sa.JSON(), nullable=False),
        sa.Column('correct', sa.Boolean(), nullable=False),
        sa.Column('points', sa.Integer(), nullable=True),
        sa.Column('time_taken_ms', sa.Integer(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['live_session.id'], name='fk_live_answer_session'),
        sa.ForeignKeyConstraint(['participant_id'], ['live_participant.id'], name='fk_live_answer_participant'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('participant_id', 'position', name='uq_live_answer_participant_position'),
    )
    with op.batch_alter_table('live_answer') as batch_op:
        batch_op.create_index('ix_live_answer_session_position', ['session_id', 'position'], unique=False)


def downgrade():
    with op.batch_alter_table('live_answer') as batch_op:
        batch_op.drop_index('ix_live_answer_session_position')
    op.drop_table('live_answer')
    with op.batch_alter_table('live_participant') as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_participant_session_id'))
    op.drop_table('live_participant')
    with op.batch_alter_table('attempt') as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_live_session_id'))
        batch_op.drop_constraint('fk_attempt_live_session', type_='foreignkey')
        batch_op.drop_column('live_session_id')
    with op.batch_alter_table('live_session') as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_session_teacher_id'))
        batch_op.drop_index(batch_op.f('ix_live_session_quiz_id'))
    op.drop_table('live_session')
