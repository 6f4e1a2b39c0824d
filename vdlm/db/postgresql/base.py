"""Django's PostgreSQL backend, with a health check that asks the server only when in doubt.

settings.py uses it for every PostgreSQL DATABASE_URL. With CONN_HEALTH_CHECKS, Django
sends "SELECT 1" before the first query of every request that reuses a connection, so
that a connection the server has closed meanwhile (a restart, an idle timeout, an
administrator) is replaced instead of failing the request. That is a round trip per
request: on raffle night a sixth of a worker's time went into waiting for it (py-spy,
`make bench`), and it makes every page that reads the database wait too.

A server that closes a connection says so on the socket: it sends its "terminating
connection" error and the end of the stream, and the socket becomes readable. A
connection that is idle between requests has nothing to read, because every answer
was read up to its end. So: nothing to read, no error, not in a transaction -> usable,
without asking. Anything else (something to read, a socket error, a connection in an
unexpected state) -> Django's own check, which asks the server. A connection whose
network path broke without a word from the server is not noticed here, nor was it by
SELECT 1, which would have waited for TCP's timeout.
"""

import select

from django.db.backends.postgresql import base

# Both psycopg 2 and 3 report an idle connection (no transaction open) as 0.
_TRANSACTION_IDLE = 0


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and _is_quietly_open(self.connection)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()


def _is_quietly_open(connection):
    """True when the driver's connection is open, idle, and the server has sent nothing since its last answer."""
    try:
        if connection.closed or connection.info.transaction_status != _TRANSACTION_IDLE:
            return False
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN)
        return not poller.poll(0)
    except Exception:  # noqa: BLE001 - any doubt at all: let the server answer (Django's own check)
        return False
