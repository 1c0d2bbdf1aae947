from django.db.backends.postgresql.operations import DatabaseOperations as PostgreSQLOperations


class DatabaseOperations(PostgreSQLOperations):
    def last_executed_query(self, cursor, sql, params):
        """The statement as sent; for a prepared statement's run, which psycopg sends by name
        without its text, the statement with its placeholders (Django's log had None)."""
        return super().last_executed_query(cursor, sql, params) or sql
