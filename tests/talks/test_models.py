import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from talks.models import TalkSpeaker
from tests.factories import PersonFactory, TalkFactory

pytestmark = pytest.mark.django_db


def test_speaker_keeps_the_affiliation_at_the_time_of_the_talk():
    rene = PersonFactory(name="René Donner", affiliation="contextflow GmbH")
    talk = TalkFactory(title="Report from NeurIPS 2019", speakers=[rene])
    rene.affiliation = "Another Company"
    rene.save()
    speaker = TalkSpeaker.objects.get(talk=talk)
    assert speaker.affiliation == "contextflow GmbH"
    assert str(speaker) == "René Donner, contextflow GmbH"


def test_speakers_come_in_their_order():
    first, second = PersonFactory(name="Ada"), PersonFactory(name="Bo")
    talk = TalkFactory(speakers=[second, first])
    assert [s.person.name for s in talk.talk_speakers.all()] == ["Bo", "Ada"]


def test_a_person_speaks_once_per_talk():
    person = PersonFactory()
    talk = TalkFactory(speakers=[person])
    with pytest.raises(IntegrityError), transaction.atomic():
        TalkSpeaker.objects.create(talk=talk, person=person, position=5)


def test_slides_are_a_file_or_a_link_not_both():
    talk = TalkFactory(slides_url="https://example.org/slides.pdf")
    talk.slides_file = SimpleUploadedFile("slides.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    with pytest.raises(IntegrityError), transaction.atomic():
        talk.save()


def test_person_email_is_unique_ignoring_case_but_optional():
    PersonFactory(email="ada@example.org")
    PersonFactory(email="")
    PersonFactory(email="")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(email="Ada@Example.org")
