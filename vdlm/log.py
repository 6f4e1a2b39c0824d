"""Structured logs on stdout, and error emails to the admins, without secrets in either.

One JSON object a line, so that journald, Docker or any log shipper can index the
fields without parsing prose. Some URLs are secrets: a proposer's private link
(/contribute/<token>/) and a raffle confirmation link
(/raffles/<slug>/confirm/<token>/) give whoever holds them access, and Django logs
the path of every 404 and 500. Those tokens, passwords, session and CSRF values
are replaced by "[redacted]" in every log line and every error email.
"""

import datetime
import json
import logging
import re

from django.utils.log import AdminEmailHandler
from django.views.debug import SafeExceptionReporterFilter

REDACTED = "[redacted]"
# Path segments that are credentials, then key=value pairs whose value is one.
_SECRET_PATTERNS = [
    (re.compile(r"(/contribute/)(?!preview/)[^/\s?#\"']+"), rf"\1{REDACTED}"),
    (re.compile(r"(/raffles/[^/\s?#\"']+/confirm/)[^/\s?#\"']+"), rf"\1{REDACTED}"),
    (
        re.compile(
            r"((?:password|passwd|secret|token|sessionid|csrftoken|csrfmiddlewaretoken|api[_-]?key)"
            r"[\"']?\s*[=:]\s*[\"']?)[^\s;&,\"'<]+",
            re.IGNORECASE,
        ),
        rf"\1{REDACTED}",
    ),
]
# LogRecord attributes that are not "extra" fields.
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
# Gunicorn's access log passes its fields as a dict of atoms; these are the useful ones.
_GUNICORN_ACCESS_FIELDS = {"m": "method", "U": "path", "s": "status", "B": "bytes", "D": "duration_us"}


def redact(text):
    """`text` with every credential the patterns above know replaced by [redacted]."""
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _plain(value):
    if isinstance(value, str | int | float | bool) or value is None:
        return redact(value) if isinstance(value, str) else value
    return redact(str(value))


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON: time, level, logger, message, and what Django adds."""

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = redact(getattr(request, "path", ""))
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            for atom, field in _GUNICORN_ACCESS_FIELDS.items():
                if atom in record.args:
                    entry[field] = _plain(record.args[atom])
        for key, value in vars(record).items():
            # The request object and Django's socket objects are not log fields.
            if key not in _STANDARD_ATTRIBUTES and key not in entry and key not in ("request", "server_time"):
                entry[key] = _plain(value)
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class RedactingAdminEmailHandler(AdminEmailHandler):
    """Django's error email to ADMINS, with the same credentials redacted.

    Django already hides settings, cookies and POSTed passwords in its report;
    the subject and the report also carry the request path, and the traceback
    the local variables of the view, where a token from the URL would be plain.
    """

    def send_mail(self, subject, message, *args, **kwargs):
        if kwargs.get("html_message"):
            kwargs["html_message"] = redact(kwargs["html_message"])
        super().send_mail(redact(subject), redact(message), *args, **kwargs)


class RedactingExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's report filter, which also hides local variables named like credentials.

    Django hides them only in views decorated with @sensitive_variables; a view
    that takes a `token` from its URL would otherwise show it in the report.
    """

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        if not self.is_active(request):
            return variables
        return [(name, self.cleanse_setting(name, value)) for name, value in variables]


class PlainFormatter(logging.Formatter):
    """The classic one-line format for people reading a terminal, redacted like the JSON."""

    def format(self, record):
        return redact(super().format(record))
