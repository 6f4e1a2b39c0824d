"""Uploads in S3-compatible object storage, against a real S3 API: moto's server (the one .ci/run
starts, VDLM_TEST_S3_ENDPOINT, or one this module starts on a free port). An organizer uploads a
speaker's photo and a talk's PDF in the admin; the pages link them at the bucket, the bucket
serves the bytes, and deleting them from the storage removes them from the bucket."""

import io
import json
import os
import re
import socket
import urllib.error
import urllib.request

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from talks.models import Person, Talk
from tests.admin_forms import form_data
from tests.factories import TalkFactory

pytestmark = pytest.mark.django_db

BUCKET = "vdlm-uploads-test"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    endpoint = os.environ.get("VDLM_TEST_S3_ENDPOINT")
    if endpoint:
        yield endpoint
        return
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh public-read bucket, and the site's default storage pointed at it (as DJANGO_S3_* do)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    if BUCKET in {b["Name"] for b in client.list_buckets()["Buckets"]}:
        for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    else:
        client.create_bucket(Bucket=BUCKET)
    public_read = {
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*",
    }  # fmt: skip
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [public_read]}))
    storages = dict(settings.STORAGES)
    storages["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET, "endpoint_url": s3_endpoint, "region_name": "us-east-1",
            "querystring_auth": False, "default_acl": None, "file_overwrite": False,
        },
    }  # fmt: skip
    settings.STORAGES = storages
    return client


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def pdf_bytes():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def keys(client):
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the local S3 server
        return response.read()


def test_a_photo_and_slides_go_to_the_bucket_show_on_the_pages_and_can_be_deleted(organizer_client, bucket):
    add = reverse("admin:talks_person_add")
    data = form_data(organizer_client.get(add), Person)
    data.update({"name": ["Ada Lovelace"], "slug": ["ada-lovelace"]})
    data["photo"] = SimpleUploadedFile("ada.png", png_bytes(), content_type="image/png")
    answer = organizer_client.post(add, data)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    person = Person.objects.get(slug="ada-lovelace")

    talk = TalkFactory(title="Notes on the engine")
    change = reverse("admin:talks_talk_change", args=[talk.pk])
    data = form_data(organizer_client.get(change), Talk)
    data["slides_file"] = SimpleUploadedFile("engine.pdf", pdf_bytes(), content_type="application/pdf")
    answer = organizer_client.post(change, data)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    talk.refresh_from_db()

    assert keys(bucket) == sorted([person.photo.name, talk.slides_file.name])
    # The pages link the files at the bucket, and the bucket serves them (the speaker's page shows
    # a thumbnail, made from the photo and stored beside it).
    speaker_page = organizer_client.get(reverse("talks:speaker_detail", args=[person.slug])).content.decode()
    (thumbnail,) = re.findall(r'<img class="person-photo" src="([^"]+)"', speaker_page)
    assert thumbnail.startswith(f"{bucket.meta.endpoint_url}/{BUCKET}/")
    assert Image.open(io.BytesIO(fetch(thumbnail))).size[0] <= 160 * 2
    assert fetch(person.photo.url)[:8] == b"\x89PNG\r\n\x1a\n"  # re-encoded by the site, still a PNG
    talk_page = organizer_client.get(talk.get_absolute_url()).content.decode()
    assert talk.slides_file.url in talk_page and talk.slides_file.url.startswith(bucket.meta.endpoint_url)
    assert fetch(talk.slides_file.url).startswith(b"%PDF")

    for name in keys(bucket):
        default_storage.delete(name)
    assert keys(bucket) == []
    with pytest.raises(urllib.error.HTTPError):
        fetch(talk.slides_file.url)
