"""Validate a real API response against the OpenAPI document the site serves."""

import re

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:vdlm:openapi"

# RFC 3986 section 3, for `format: uri`: jsonschema checks that format only with an optional
# package installed, and schemathesis found responses whose URLs were no URIs (issue #17).
# Written from the RFC here rather than imported from the site, so that the check is its own.
_UNRESERVED_SUB_DELIMS = r"A-Za-z0-9\-._~!$&'()*+,;="
_PCT_ENCODED = "%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED_SUB_DELIMS}:@]|{_PCT_ENCODED})"
_URI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*:"
    rf"(?://(?:(?:[{_UNRESERVED_SUB_DELIMS}:]|{_PCT_ENCODED})*@)?"  # userinfo
    rf"(?:\[[0-9A-Fa-f:.]+\]|(?:[{_UNRESERVED_SUB_DELIMS}]|{_PCT_ENCODED})*)"  # host
    rf"(?::[0-9]*)?(?:/{_PCHAR}*)*"  # port, path-abempty
    rf"|/?(?:{_PCHAR}+(?:/{_PCHAR}*)*)?)"  # path-absolute, path-rootless, path-empty
    rf"(?:\?(?:{_PCHAR}|[/?])*)?"  # query
    rf"(?:#(?:{_PCHAR}|[/?])*)?"  # fragment
)
FORMAT_CHECKER = FormatChecker()


@FORMAT_CHECKER.checks("uri")
def is_uri(value):
    """True for an RFC 3986 URI (absolute, with a scheme); values of other types are another check's."""
    return not isinstance(value, str) or _URI.fullmatch(value) is not None


def _operation(document, path):
    for template, item in document["paths"].items():
        pattern = "^" + "".join(
            "[^/]+" if part.startswith("{") else re.escape(part) for part in re.split(r"(\{[^}]+\})", template)
        ) + "$"
        if re.match(pattern, path):
            return item["get"]
    raise AssertionError(f"{path} is not in the OpenAPI document")


def assert_matches_openapi(document, response):
    """The response's status, media type and body are what the document says for its path."""
    operation = _operation(document, response.request["PATH_INFO"])
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, f"status {response.status_code} is not documented"
    media_type = response["Content-Type"].split(";")[0]
    assert media_type in documented["content"], f"{media_type} is not documented"
    schema_ref = documented["content"][media_type]["schema"]["$ref"]
    registry = Registry().with_resource(DOCUMENT_URI, Resource(contents=document, specification=DRAFT202012))
    validator = Draft202012Validator(
        {"$ref": DOCUMENT_URI + schema_ref}, registry=registry, format_checker=FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(response.json()), key=lambda error: list(error.absolute_path))
    assert not errors, "\n".join(f"{list(error.absolute_path)}: {error.message}" for error in errors[:10])


def urls_in(data, key=""):
    """Every value of a field whose name ends in "url", however deeply nested."""
    if isinstance(data, dict):
        for name, value in data.items():
            yield from urls_in(value, name)
    elif isinstance(data, list):
        for value in data:
            yield from urls_in(value, key)
    elif key.endswith("url") and data is not None:
        yield data
