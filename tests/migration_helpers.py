"""Running the real migrations backwards and forwards inside a test (the models that moved between apps
with their tables kept: carbon from reports, organisations from pilots)."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def latest() -> list:
    """Every app's last migration."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def migrate(targets):
    """Migrate the test database to `targets` and return the historical apps of that state.

    Inside the test's transaction, PostgreSQL refuses to ALTER a table with pending (deferred) foreign-key
    checks, e.g. a row written through the old models just before a migration adds a key to that table:
    the checks are made immediate first, as they would be at the end of each migration's own transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([node for node in targets if node[1]]).apps


def fk_targets(table: str, column: str) -> list[str]:
    """The tables the database's foreign keys from `table.column` point to."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [
        c["foreign_key"][0] for c in constraints.values() if c["columns"] == [column] and c["foreign_key"]
    ]
