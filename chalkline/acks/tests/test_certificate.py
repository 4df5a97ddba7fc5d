"""The certificate PDF: the district's name, one local time format, the QR code of the
verification link, one page for a normal statement; and the deploy check on SITE_URL."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from pdfminer.high_level import extract_text
from pdfminer.pdfpage import PDFPage

from chalkline.acks import services
from chalkline.acks.models import Signature
from conftest import World

from .helpers import make_campaign, ready_to_sign

SITE = "https://chalkline.prairie.example.org"


@pytest.fixture
def campaign(world: World) -> Any:
    return make_campaign(world.district, by=world.users["superintendent"])


def _signed(world: World, campaign: Any, capture: Any, comment: str = "") -> Signature:
    """A record as most employees leave one: opened, read (four minutes later), signed."""
    teacher = world.users["teacher_north"]
    a = ready_to_sign(campaign, teacher)
    services.record_reading_done(
        assignment=a, by=teacher, now=timezone.now() + timedelta(minutes=4, seconds=7)
    )
    with capture(execute=True):
        return services.sign_acknowledgment(
            assignment=a,
            by=teacher,
            typed_name="Tess Teacher",
            comment=comment,
            ip="198.51.100.4",
            user_agent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/139.0.0.0 Safari/537.36",
        )


def _pdf(client: Client, world: World, record: Signature) -> bytes:
    client.force_login(world.users["teacher_north"])
    response = client.get(reverse("acks:certificate", args=[record.pk]))
    assert response["Content-Type"] == "application/pdf"
    return response.getvalue()


@override_settings(SITE_URL=SITE)
def test_the_certificate_prints_the_district_name_local_times_and_the_link(
    world: World, client: Client, campaign: Any, django_capture_on_commit_callbacks: Any
) -> None:
    record = _signed(world, campaign, django_capture_on_commit_callbacks)
    raw = extract_text(io.BytesIO(_pdf(client, world, record)))
    text = raw.replace("\n", "")
    assert world.district.name in text
    assert f"{SITE}/acknowledgments/verify/{record.verification_code}/" in text
    local = record.signed_at.astimezone(ZoneInfo(record.time_zone))
    assert f"{local:%Y-%m-%d %H:%M:%S %Z}" in text
    # One format: no UTC times, no ISO timestamps with offsets left over.
    assert "UTC" not in text
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text)
    zone = f"{local:%Z}"
    stamps = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?(\S*) ?(\S*)", raw)
    stamps = [suffix or word for suffix, word in stamps]
    assert stamps and all(s == zone for s in stamps), stamps


@override_settings(SITE_URL=SITE)
def test_the_certificate_qr_code_decodes_to_the_verification_link(
    world: World, client: Client, campaign: Any, django_capture_on_commit_callbacks: Any
) -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    import cv2

    record = _signed(world, campaign, django_capture_on_commit_callbacks)
    # OpenCV's classic detector misses some codes it can read at another resolution (the
    # verification code is random, so the pattern changes every run): read the page at two
    # resolutions with both of OpenCV's QR readers; any reading must be the exact link
    readings: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        pdf_path = Path(folder) / "certificate.pdf"
        pdf_path.write_bytes(_pdf(client, world, record))
        for dpi in ("150", "300"):
            subprocess.run(  # noqa: S603 - a fixed local tool on a file we wrote
                [
                    pdftoppm,
                    "-r",
                    dpi,
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-png",
                    str(pdf_path),
                    f"{folder}/p{dpi}",
                ],
                check=True,
            )
            image = cv2.imread(str(next(Path(folder).glob(f"p{dpi}*.png"))))
            assert image is not None
            for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
                decoded, _points, _straight = detector.detectAndDecode(image)
                if decoded:
                    readings.append(decoded)
    assert readings, "no QR reader found the code on the certificate"
    assert set(readings) == {f"{SITE}/acknowledgments/verify/{record.verification_code}/"}


def test_a_normal_statement_fits_on_one_page(
    world: World, client: Client, campaign: Any, django_capture_on_commit_callbacks: Any
) -> None:
    record = _signed(
        world,
        campaign,
        django_capture_on_commit_callbacks,
        comment="Please clarify the after-hours exception for coaches who text a team group.",
    )
    pages = list(PDFPage.get_pages(io.BytesIO(_pdf(client, world, record))))
    assert len(pages) == 1


def test_reading_times_are_printed_in_local_time(
    world: World, client: Client, campaign: Any, django_capture_on_commit_callbacks: Any
) -> None:
    record = _signed(world, campaign, django_capture_on_commit_callbacks)
    text = extract_text(io.BytesIO(_pdf(client, world, record))).replace("\n", "")
    assert len(record.reading_events) == 2
    for event in record.reading_events:
        at = datetime.fromisoformat(event["at"]).astimezone(ZoneInfo(record.time_zone))
        assert f"{at:%Y-%m-%d %H:%M:%S %Z}" in text


@override_settings(DEBUG=False, SITE_URL="http://127.0.0.1:8000")
def test_check_deploy_refuses_the_default_site_url() -> None:
    with pytest.raises(SystemCheckError, match="SITE_URL"):
        call_command("check", "--deploy", "--fail-level", "ERROR")


@override_settings(DEBUG=False, SITE_URL=SITE)
def test_check_deploy_accepts_a_real_site_url(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        call_command("check", "--deploy", "--fail-level", "ERROR")
    except SystemCheckError as error:  # other deploy errors may exist; not ours
        assert "SITE_URL" not in str(error)
