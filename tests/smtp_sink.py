"""A local SMTP server that keeps what it receives (aiosmtpd), for the tests and `make bench`."""

import email
import email.policy
import logging
import socket
import threading
import time

from aiosmtpd.controller import Controller

# aiosmtpd logs every command of every session: thousands of lines a bench run.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class Sink:
    """Every message received; `on_message(count)` runs after each.

    The handler only keeps the bytes: parsing them costs CPU that, on the benchmark's machine,
    the site's processes would miss. They are parsed when asked for (`messages`).
    """

    def __init__(self, on_message=None):
        self.received = []  # (recipients, raw bytes)
        self.arrival_times = []  # time.monotonic() of each message
        self.lock = threading.Lock()
        self.on_message = on_message

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - the name aiosmtpd calls
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), envelope.content))
            self.arrival_times.append(time.monotonic())
            count = len(self.received)
        if self.on_message is not None:
            self.on_message(count)
        return "250 Message accepted for delivery"

    def __len__(self):
        with self.lock:
            return len(self.received)

    # A method, not a property: aiosmtpd reads every attribute of its handler (inspect.getmembers)
    # at each new connection, and a property would parse all mail received so far each time.
    def messages(self):
        """[(recipients, email.message.EmailMessage)] of everything received so far."""
        with self.lock:
            received = list(self.received)
        return parsed(received)

    def recipients(self):
        with self.lock:
            return [address for rcpt_tos, _raw in self.received for address in rcpt_tos]


def parsed(received):
    """[(recipients, email.message.EmailMessage)] of a list of (recipients, raw bytes)."""
    return [(rcpt_tos, email.message_from_bytes(raw, policy=email.policy.default)) for rcpt_tos, raw in received]


def start_sink(on_message=None):
    """A running sink on a free port of 127.0.0.1: (sink, controller); stop it with controller.stop()."""
    sink = Sink(on_message)
    with socket.socket() as probe:  # aiosmtpd connects to its own port to check it is up: it must be known
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return sink, controller
