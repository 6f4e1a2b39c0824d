"""A local SMTP server that keeps what it receives (aiosmtpd), for the tests and `make bench`."""

import email
import email.policy
import logging
import socket
import threading

from aiosmtpd.controller import Controller

# aiosmtpd logs every command of every session: thousands of lines a bench run.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class Sink:
    """Every message received, as (recipients, parsed message); `on_message(count)` runs after each."""

    def __init__(self, on_message=None):
        self.messages = []
        self.lock = threading.Lock()
        self.on_message = on_message

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - the name aiosmtpd calls
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
            count = len(self.messages)
        if self.on_message is not None:
            self.on_message(count)
        return "250 Message accepted for delivery"

    def recipients(self):
        with self.lock:
            return [address for rcpt_tos, _message in self.messages for address in rcpt_tos]


def start_sink(on_message=None):
    """A running sink on a free port of 127.0.0.1: (sink, controller); stop it with controller.stop()."""
    sink = Sink(on_message)
    with socket.socket() as probe:  # aiosmtpd connects to its own port to check it is up: it must be known
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return sink, controller
