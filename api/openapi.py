"""The OpenAPI 3.1 document of the JSON API, served at /api/openapi.json.

Built in code from the same choices the views validate against, so the
enums cannot drift; tests/api/test_openapi.py validates real responses
against it (every object lists all its fields as required and allows no
others, so an undocumented or missing field fails the tests).
"""

from meetups.models import AgendaItem, Edition
from sponsors.models import Sponsorship
from talks.models import Talk

# Results a page, unless the client asks for another page_size, and the most it may ask for: a list
# page must stay cheap to render, for crawlers and on announcement day (api/views.py uses these).
PAGE_SIZE = 10
MAX_PAGE_SIZE = 50
# The highest page number the views read (nine digits): beyond it, a 400 that says so. Declared
# in the document, so that a client (or a schema-driven test) knows the range before asking.
MAX_PAGE = 999_999_999

STRING = {"type": "string"}
TEXT = {"type": "string", "description": 'May be "" but never null.'}
MARKDOWN = {"type": "string", "description": 'Markdown as organizers wrote it; may be "".'}
URI = {"type": "string", "format": "uri"}
URI_OR_NULL = {"type": ["string", "null"], "format": "uri"}
DATE = {"type": "string", "format": "date", "examples": ["2020-01-30"]}
DATETIME = {"type": "string", "format": "date-time", "examples": ["2020-01-30T18:30:00+01:00"]}
DATETIME_OR_NULL = {
    "type": ["string", "null"],
    "format": "date-time",
    "description": "With the UTC offset of that day in Vienna; null when the time is not known.",
    "examples": ["2020-01-30T18:30:00+01:00"],
}


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable_ref(name):
    return {"oneOf": [_ref(name), {"type": "null"}]}


def _array(items):
    return {"type": "array", "items": items}


def _object(properties, description=""):
    schema = {
        "type": "object",
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
    }
    if description:
        schema["description"] = description
    return schema


def _page(name, description):
    return _object(
        {
            "count": {"type": "integer", "minimum": 0, "description": "Results on all pages together."},
            "next": {**URI_OR_NULL, "description": "The next page, or null on the last one."},
            "previous": {**URI_OR_NULL, "description": "The previous page, or null on the first one."},
            "results": {**_array(_ref(name)), "maxItems": MAX_PAGE_SIZE},
        },
        description,
    )


SCHEMAS = {
    "Problem": _object(
        {
            "type": {"type": "string", "const": "about:blank"},
            "title": STRING,
            "status": {"type": "integer"},
            "detail": {"type": "string", "description": "What was wrong, in a sentence meant for the developer."},
        },
        "An error, as RFC 9457 problem details (media type application/problem+json).",
    ),
    "Index": _object({"editions": URI, "talks": URI, "speakers": URI, "openapi": URI}),
    "EditionRef": _object(
        {
            "code": STRING,
            "title": STRING,
            "start_date": DATE,
            "start": DATETIME_OR_NULL,
            "url": {**URI, "description": "The edition's page on the site."},
            "api_url": URI,
        },
        "The fields that identify an edition inside a talk or a speaker.",
    ),
    "SpeakerRef": _object(
        {
            "slug": STRING,
            "name": STRING,
            "affiliation": {**TEXT, "description": "The affiliation at the time of this talk; may be \"\"."},
            "url": URI,
            "api_url": URI,
        }
    ),
    "PersonRef": _object({"slug": STRING, "name": STRING, "url": URI}),
    "Talk": _object(
        {
            "slug": STRING,
            "title": STRING,
            "subtitle": TEXT,
            "kind": {"type": "string", "enum": Talk.Kind.values},
            "abstract": MARKDOWN,
            "url": URI,
            "api_url": URI,
            "slides_url": URI_OR_NULL,
            "video_url": URI_OR_NULL,
            "start": {**DATETIME_OR_NULL, "description": "The talk's slot on the agenda, when the agenda has times."},
            "end": {**DATETIME_OR_NULL, "description": "When the next agenda item starts, if known."},
            "speakers": _array(_ref("SpeakerRef")),
            "edition": _ref("EditionRef"),
            "updated_at": DATETIME,
        }
    ),
    "Organisation": _object(
        {
            "slug": STRING,
            "name": STRING,
            "website": URI_OR_NULL,
            "logo_url": URI_OR_NULL,
            "url": {**URI, "description": "The organisation on the site's sponsors page."},
        }
    ),
    "Sponsorship": _object(
        {
            "role": {"type": "string", "enum": Sponsorship.Role.values},
            "note": TEXT,
            "organisation": _ref("Organisation"),
        }
    ),
    "Venue": _object(
        {
            "name": STRING,
            "address": {**TEXT, "description": "Street, postcode and city as on a letter, lines separated by \\n."},
            "map_url": URI_OR_NULL,
        }
    ),
    "AgendaItem": _object(
        {
            "position": {"type": "integer", "description": "Order on the agenda, lower first."},
            "time": {"type": ["string", "null"], "pattern": "^[0-2][0-9]:[0-5][0-9]$", "examples": ["18:30"]},
            "start": DATETIME_OR_NULL,
            "end": DATETIME_OR_NULL,
            "kind": {"type": "string", "enum": AgendaItem.Kind.values},
            "title": STRING,
            "talk_slug": {"type": ["string", "null"], "description": "The talk in this slot, if any."},
        }
    ),
    "Edition": _object(
        {
            "code": {"type": "string", "description": "Unique, case-insensitive, used in URLs: \"32\", \"AI\"."},
            "number": {"type": ["integer", "null"]},
            "kind": {"type": "string", "enum": Edition.Kind.values},
            "title": STRING,
            "topic": TEXT,
            "description": MARKDOWN,
            "url": URI,
            "api_url": URI,
            "calendar_url": {**URI, "description": "The edition as an iCalendar file."},
            "start_date": DATE,
            "end_date": {**DATE, "description": "The last day: the start date unless the edition spans days."},
            "start": DATETIME_OR_NULL,
            "end": DATETIME_OR_NULL,
            "time_zone": {"type": "string", "examples": ["Europe/Vienna"]},
            "is_upcoming": {"type": "boolean", "description": "True until the end of its last day in Vienna."},
            "cancelled": {"type": "boolean"},
            "attendance": {"type": "string", "enum": Edition.Attendance.values},
            "stream_url": URI_OR_NULL,
            "venue": _nullable_ref("Venue"),
            "host": _nullable_ref("Sponsorship"),
            "sponsors": _array(_ref("Sponsorship")),
            "organizers": _array(_ref("PersonRef")),
            "agenda": _array(_ref("AgendaItem")),
            "talks": {**_array(_ref("Talk")), "description": "In the order of the agenda."},
            "meetup_url": URI_OR_NULL,
            "video_url": URI_OR_NULL,
            "photos_url": URI_OR_NULL,
            "slides_url": URI_OR_NULL,
            "updated_at": DATETIME,
        }
    ),
    "SpeakerTalk": _object(
        {
            "slug": STRING,
            "title": STRING,
            "kind": {"type": "string", "enum": Talk.Kind.values},
            "affiliation": {**TEXT, "description": "The speaker's affiliation at the time of this talk."},
            "url": URI,
            "api_url": URI,
            "edition": _ref("EditionRef"),
        }
    ),
    "Speaker": _object(
        {
            "slug": STRING,
            "name": STRING,
            "affiliation": {**TEXT, "description": "Today's affiliation."},
            "bio": MARKDOWN,
            "url": URI,
            "api_url": URI,
            "photo_url": URI_OR_NULL,
            "website_url": URI_OR_NULL,
            "github_url": URI_OR_NULL,
            "linkedin_url": URI_OR_NULL,
            "scholar_url": URI_OR_NULL,
            "talks": {**_array(_ref("SpeakerTalk")), "description": "Talks at published editions, newest first."},
            "updated_at": DATETIME,
        }
    ),
    "EditionPage": _page("Edition", "A page of editions."),
    "TalkPage": _page("Talk", "A page of talks."),
    "SpeakerPage": _page("Speaker", "A page of speakers."),
}


def _parameter(name, description, schema, location="query", required=False):
    return {"name": name, "in": location, "required": required, "description": description, "schema": schema}


PAGE = _parameter(
    "page",
    "The page, from 1; a page after the last one is a 404.",
    {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
)
PAGE_SIZE_PARAMETER = _parameter(
    "page_size",
    f"Results a page, at most {MAX_PAGE_SIZE}.",
    {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": PAGE_SIZE},
)
YEAR = _parameter("year", "Only this year, e.g. 2020.", {"type": "integer", "minimum": 1000, "maximum": 9999})


def _json(schema_name, description):
    return {"description": description, "content": {"application/json": {"schema": _ref(schema_name)}}}


def _problem(description):
    return {"description": description, "content": {"application/problem+json": {"schema": _ref("Problem")}}}


def _get(summary, description, schema_name, parameters=(), errors=(400,)):
    responses = {"200": _json(schema_name, "OK")}
    if 400 in errors:
        responses["400"] = _problem("A parameter has a value the API does not accept.")
    if 404 in errors:
        responses["404"] = _problem("Nothing published here (or no such page of results).")
    return {
        "get": {
            "summary": summary,
            "description": description,
            "parameters": list(parameters),
            "responses": responses,
        }
    }


def openapi_document(server_url):
    """The whole document; `server_url` is the site's absolute root, e.g. "https://vdlm.at"."""
    talk_kind = _parameter("kind", "Only talks of this kind.", {"type": "string", "enum": Talk.Kind.values})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Vienna Deep Learning Meetup API",
            "version": "1.0.0",
            "description": (
                "Read-only data of the meetup: published editions with their agenda, talks and "
                "speakers. No authentication. Field names are stable: fields may be added, "
                "never renamed or removed. See docs/api.md for examples."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/api/": _get("Where everything is", "Links to the collections and this document.", "Index", errors=()),
            "/api/editions/": _get(
                "Published editions",
                "Newest first; with when=upcoming soonest first, with when=past most recent first.",
                "EditionPage",
                [
                    PAGE,
                    PAGE_SIZE_PARAMETER,
                    YEAR,
                    _parameter("kind", "Only editions of this kind.", {"type": "string", "enum": Edition.Kind.values}),
                    _parameter(
                        "when",
                        "upcoming: through their last day in Vienna; past: the others.",
                        {"type": "string", "enum": ["upcoming", "past"]},
                    ),
                ],
                errors=(400, 404),
            ),
            "/api/editions/{code}/": _get(
                "One published edition",
                "The code is case-insensitive: /api/editions/ai/ is the edition AI.",
                "Edition",
                [_parameter("code", "The edition's code.", {"type": "string"}, location="path", required=True)],
                errors=(404,),
            ),
            "/api/talks/": _get(
                "Talks of published editions",
                "The latest edition's talks first, then by title. year filters by the edition's year.",
                "TalkPage",
                [PAGE, PAGE_SIZE_PARAMETER, YEAR, talk_kind],
                errors=(400, 404),
            ),
            "/api/talks/{slug}/": _get(
                "One talk",
                "A talk of a published edition.",
                "Talk",
                [_parameter("slug", "The talk's slug.", {"type": "string"}, location="path", required=True)],
                errors=(404,),
            ),
            "/api/speakers/": _get(
                "People who spoke at published editions",
                "By name. year and kind keep the speakers of a talk of that year and kind; "
                "each speaker still lists all their talks.",
                "SpeakerPage",
                [
                    PAGE,
                    PAGE_SIZE_PARAMETER,
                    YEAR,
                    _parameter("kind", "Only speakers of a talk of this kind.", talk_kind["schema"]),
                ],
                errors=(400, 404),
            ),
            "/api/speakers/{slug}/": _get(
                "One speaker",
                "A person with at least one talk at a published edition.",
                "Speaker",
                [_parameter("slug", "The speaker's slug.", {"type": "string"}, location="path", required=True)],
                errors=(404,),
            ),
        },
        "components": {"schemas": SCHEMAS},
    }
