"""thread versions and page epochs for kept thread pages

Revision ID: 63218ac8a1c6
Revises: f4310f94bc04
Create Date: 2026-12-01 21:28:44.279164

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '63218ac8a1c6'
down_revision = 'f4310f94bc04'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('page_epochs',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_page_epochs'))
    )
    # The one row stamps read and writers move (hub.page_cache); writers only ever update it.
    op.execute("INSERT INTO page_epochs (name, value) VALUES ('people', 0)")
    with op.batch_alter_table('forum_threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('forum_threads', schema=None) as batch_op:
        batch_op.drop_column('version')

    op.drop_table('page_epochs')
