"""search queue: index changes recorded with the change, applied after commit

Revision ID: 50ad51e46631
Revises: afe06a5e3d8d
Create Date: 2026-12-01 18:34:25.003307

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '50ad51e46631'
down_revision = 'afe06a5e3d8d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_queue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_key', sa.String(length=80), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_queue')),
    sqlite_autoincrement=True,
    )
    # What existed before search is queued too, so the index fills itself without a manual step
    # (`flask hub reindex` does the same in one go for a large site).
    for prefix, table, where in (("thread", "forum_threads", ""), ("post", "forum_posts", " WHERE number > 1"),
                                 ("person", "users", "")):
        op.execute(f"INSERT INTO search_queue (doc_key, queued_at, attempts, last_error) "
                   f"SELECT '{prefix}:' || id, CURRENT_TIMESTAMP, 0, '' FROM {table}{where}")


def downgrade():
    op.drop_table('search_queue')
