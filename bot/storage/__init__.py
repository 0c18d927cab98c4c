"""Storage: SQLAlchemy 2.x async models, the database set-up and its Alembic migrations."""
