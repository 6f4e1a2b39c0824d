"""Uploaded slides: only a real PDF is taken, and it is stored under a name nobody can guess (issue #17)."""

import io
import re

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from pypdf import PdfWriter

from meetups.models import Edition
from talks.models import Talk
from tests.factories import EditionFactory, SuperUserFactory, TalkFactory

pytestmark = pytest.mark.django_db

NOT_A_PDF = "This file is not a PDF."


def _real_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=960, height=540)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _admin_form(model, instance, upload_field, content, name):
    request = RequestFactory().post("/")
    request.user = SuperUserFactory()
    model_admin = admin.site.get_model_admin(model)
    form_class = model_admin.get_form(request, instance, change=True)
    data = {
        name: value
        for name, value in form_class(instance=instance).initial.items()
        if value is not None and not hasattr(value, "all")
    }
    data["edition"] = getattr(instance, "edition_id", None) or ""
    form = form_class(data, {upload_field: SimpleUploadedFile(name, content, "application/pdf")}, instance=instance)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>", NOT_A_PDF),
        (b"%PDF-1.4\n%%EOF\n", NOT_A_PDF),
        (b"<script>alert(1)</script>", NOT_A_PDF),
        (b"", "The submitted file is empty."),
    ],
)
def test_a_file_that_only_starts_like_a_pdf_is_refused_with_a_message(content, message):
    talk = TalkFactory()
    form = _admin_form(Talk, talk, "slides_file", content, "slides.pdf")
    assert message in " ".join(form.errors.get("slides_file", []))
    talk.refresh_from_db()
    assert not talk.slides_file


def test_a_real_pdf_is_stored_under_a_random_name():
    talk = TalkFactory()
    form = _admin_form(Talk, talk, "slides_file", _real_pdf(), "confidential-draft-anna.pdf")
    assert "slides_file" not in form.errors, form.errors
    form.save()
    talk.refresh_from_db()
    assert re.fullmatch(r"slides/talks/[0-9a-f]{32}\.pdf", talk.slides_file.name), talk.slides_file.name
    assert "anna" not in talk.slides_file.url


def test_an_editions_intro_slides_are_checked_and_renamed_too():
    edition = EditionFactory()
    form = _admin_form(Edition, edition, "intro_slides", b"%PDF-1.7\n<html></html>", "intro.pdf")
    assert NOT_A_PDF in " ".join(form.errors.get("intro_slides", []))
    edition.intro_slides.save("our-intro.pdf", SimpleUploadedFile("our-intro.pdf", _real_pdf()))
    assert re.fullmatch(r"slides/editions/[0-9a-f]{32}\.pdf", edition.intro_slides.name)
