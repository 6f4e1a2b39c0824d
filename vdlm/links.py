"""Links to rows (an edition by its code, a talk by its slug), made fast enough for long lists.

Django's reverse() costs tens of microseconds (it looks up the language, the URL
configuration and the script prefix, then matches the result against the
pattern), and request.build_absolute_uri() parses the path again. An archive
page or an API page links to hundreds of rows, so together they were a third of
its time. Here the URL of a route is reversed once, with a placeholder, and the
value is put in its place: the same string reverse() returns, whenever the
value is plainly URL-safe (letters, digits, dashes: every code and every slug
the models accept). Anything else goes through reverse() itself, errors included.
"""

import functools
import re

from django.urls import get_script_prefix, get_urlconf, reverse

# Matches every converter in use (slug, edition_code) and needs no quoting.
_PLAIN = re.compile(r"[A-Za-z0-9-]+")
_MARK = "vdlm0link0placeholder"


@functools.lru_cache(maxsize=128)
def _around(viewname, kwarg, prefix, urlconf):
    """(what comes before the value, what comes after it) in the route's URL."""
    head, mark, tail = reverse(viewname, kwargs={kwarg: _MARK}, urlconf=urlconf).partition(_MARK)
    if not mark or _MARK in tail:
        raise ValueError(f"{viewname} does not put {kwarg} in its URL exactly once")
    return head, tail


def path_to(viewname, **kwargs):
    """reverse(viewname, kwargs={name: value}) for a route with one argument."""
    ((kwarg, value),) = kwargs.items()
    if not isinstance(value, str) or not _PLAIN.fullmatch(value):
        return reverse(viewname, kwargs=kwargs)
    head, tail = _around(viewname, kwarg, get_script_prefix(), get_urlconf())
    return f"{head}{value}{tail}"


def path_maker(viewname, kwarg):
    """A function value -> path_to(viewname, **{kwarg: value}), for a list that links many rows.

    It looks the script prefix and URL configuration up once, not for every row.
    """
    head, tail = _around(viewname, kwarg, get_script_prefix(), get_urlconf())

    def path(value):
        if not isinstance(value, str) or not _PLAIN.fullmatch(value):
            return reverse(viewname, kwargs={kwarg: value})
        return f"{head}{value}{tail}"

    return path


def absolute(request, path):
    """request.build_absolute_uri(path): Django's own, which the page cache puts behind it anyway.

    It used to join request._current_scheme_host (private API) and the path itself, to save
    parsing a path the site made; the documented method gives the same URL.
    """
    return request.build_absolute_uri(path)
