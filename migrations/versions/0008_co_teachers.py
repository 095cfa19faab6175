"""co-teachers on quizzes, classes and article imports, and their audit trail (issue 14, point 16)

Revision ID: 0008
Revises: 0007

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_ONE_THING = ("(CASE WHEN quiz_id IS NULL THEN 0 ELSE 1 END + CASE WHEN classroom_id IS NULL THEN 0 ELSE 1 END"
              " + CASE WHEN import_id IS NULL THEN 0 ELSE 1 END) = 1")


def upgrade():
    op.create_table('co_teacher',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=True),
    sa.Column('classroom_id', sa.Integer(), nullable=True),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint(_ONE_THING, name='ck_co_teacher_one_thing'),
    sa.ForeignKeyConstraint(['quiz_id'], ['quiz.id'], name='fk_co_teacher_quiz'),
    sa.ForeignKeyConstraint(['classroom_id'], ['classroom.id'], name='fk_co_teacher_classroom'),
    sa.ForeignKeyConstraint(['import_id'], ['article_import.id'], name='fk_co_teacher_import'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name='fk_co_teacher_user'),
    sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], name='fk_co_teacher_added_by'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('quiz_id', 'user_id', name='uq_co_teacher_quiz_user'),
    sa.UniqueConstraint('classroom_id', 'user_id', name='uq_co_teacher_classroom_user'),
    sa.UniqueConstraint('import_id', 'user_id', name='uq_co_teacher_import_user'),
    )
    with op.batch_alter_table('co_teacher', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_co_teacher_quiz_id'), ['quiz_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_co_teacher_classroom_id'), ['classroom_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_co_teacher_import_id'), ['import_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_co_teacher_user_id'), ['user_id'], unique=False)

    op.create_table('co_teacher_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('thing_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['teacher_id'], ['user.id'], name='fk_co_teacher_event_teacher'),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name='fk_co_teacher_event_actor'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('co_teacher_event', schema=None) as batch_op:
        batch_op.create_index('ix_co_teacher_event_thing_at', ['kind', 'thing_id', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('co_teacher_event', schema=None) as batch_op:
        batch_op.drop_index('ix_co_teacher_event_thing_at')
    op.drop_table('co_teacher_event')
    with op.batch_alter_table('co_teacher', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_co_teacher_user_id'))
        batch_op.drop_index(batch_op.f('ix_co_teacher_import_id'))
        batch_op.drop_index(batch_op.f('ix_co_teacher_classroom_id'))
        batch_op.drop_index(batch_op.f('ix_co_teacher_quiz_id'))
    op.drop_table('co_teacher')
