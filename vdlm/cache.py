"""A database cache whose incr() is atomic, so rate limits hold without Redis.

Django's DatabaseCache increments with a read and a separate write: two
workers can read the same count and both write count + 1, letting requests
through. That is why django-ratelimit refuses it. Here the read and the write
happen in one transaction that holds the row: a row lock (SELECT ... FOR
UPDATE) on PostgreSQL; on SQLite the project's IMMEDIATE transactions already
give the writer the whole database. The entry also keeps its expiry instead
of getting the default timeout, so a counter lives exactly as long as its
window.
"""

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now


class AtomicDatabaseCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        cache_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        # The table name is the cache's own setting (quoted); the key is a parameter.
        query = f"SELECT {quote('expires')} FROM {quote(self._table)} WHERE {quote('cache_key')} = %s{lock}"  # noqa: S608
        with transaction.atomic(using=db):
            with connection.cursor() as cursor:
                cursor.execute(query, [cache_key])
                row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            expires = self._to_datetime(connection, row[0])
            remaining = (expires - now()).total_seconds()
            value = self.get(key, version=version)
            if value is None or remaining <= 0:
                raise ValueError(f"Key '{key}' not found")
            new_value = value + delta
            # set() stores now + timeout, cut to whole seconds: the row's expiry (already
            # whole) plus half a second gives it back exactly. A timeout of int(remaining)
            # lost up to a second per increment, so a busy window closed minutes early.
            self.set(key, new_value, timeout=remaining + 0.5, version=version)
        return new_value

    @staticmethod
    def _to_datetime(connection, value):
        # The same conversion DatabaseCache.get_many applies to the raw column.
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(connection):
            value = converter(value, expression, connection)
        return value
