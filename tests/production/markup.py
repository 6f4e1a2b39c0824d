"""What would run in a visitor's browser: the checks of the XSS and fuzz tests.

A page may carry the site's own scripts (static files, the admin's jsi18n) and schema.org JSON-LD
data blocks. Anything else that executes is a finding: another <script>, an
event-handler attribute (onload, onerror, ...), a javascript: (or vbscript:,
data:text/html) URL, or an element that loads a document or plugin.
"""

import re
from html.parser import HTMLParser

# The site's static files, and the admin's translation catalogue, which Django serves as a script.
OWN_SCRIPTS = ("/static/", "/admin/jsi18n/")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcdoc"}
ACTIVE_ELEMENTS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}
# Browsers ignore tabs, newlines and other control characters inside a URL's scheme.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]+")
_DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


class _ActiveMarkupFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings = []

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        values = dict(attrs)
        if tag == "script":
            kind = (values.get("type") or "").strip().lower()
            source = values.get("src") or ""
            if kind != "application/ld+json" and not (source.startswith(OWN_SCRIPTS) and kind in ("", "module")):
                self.findings.append(f"<script {attrs}>")
        if tag in ACTIVE_ELEMENTS:
            self.findings.append(f"<{tag} {attrs}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.findings.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value:
                scheme = _IGNORED_IN_SCHEME.sub("", value).lower()
                if scheme.startswith(_DANGEROUS_SCHEMES):
                    self.findings.append(f"<{tag} {name}={value!r}>")
            if name == "http-equiv" and (value or "").lower() == "refresh":
                self.findings.append(f"<{tag} http-equiv=refresh>")


def active_markup(html):
    """Every piece of `html` that would run script or load foreign active content."""
    finder = _ActiveMarkupFinder()
    finder.feed(html)
    finder.close()
    return finder.findings
