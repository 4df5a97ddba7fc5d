from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

from chalkline.screening import (
    Attachment,
    Audience,
    LogoRecord,
    Message,
    RosterIndex,
    Sender,
    screen,
)
from chalkline.screening.detectors.images import (
    LOGO_MIN_INLIERS,
    _logo_features,
    decode_gray,
    find_logo,
    logo_inliers,
)


def _jpeg(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _logo() -> Image.Image:
    img = Image.new("RGB", (300, 300), "white")
    d = ImageDraw.Draw(img)
    d.ellipse((20, 20, 280, 280), outline="navy", width=14)
    d.polygon([(150, 45), (250, 230), (50, 230)], fill="darkred")
    d.rectangle((110, 150, 190, 215), fill="gold")
    for i in range(6):
        d.line((60 + i * 30, 250, 90 + i * 30, 270), fill="black", width=5)
    d.text((105, 95), "PVCUSD", fill="white")
    return img


def _photo(with_logo: bool, seed: int = 1) -> Image.Image:
    rng = random.Random(seed)
    img = Image.effect_noise((1000, 1000), 30).convert("RGB")
    d = ImageDraw.Draw(img)
    for _ in range(40):
        x, y, r = rng.randrange(1000), rng.randrange(1000), rng.randrange(10, 90)
        d.rectangle(
            (x, y, x + r, y + r // 2),
            fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)),
        )
    if with_logo:
        logo = _logo().resize((260, 260)).rotate(12, expand=True, fillcolor="white")
        img.paste(logo, (520, 380))
    return img


def test_logo_threshold_separates_logo_from_no_logo() -> None:
    logos = [LogoRecord("district", _jpeg(_logo()))]
    feat = _logo_features(logos)[0]
    with_logo = [logo_inliers(feat, decode_gray(_jpeg(_photo(True, s)))) for s in range(3)]
    without = [logo_inliers(feat, decode_gray(_jpeg(_photo(False, s)))) for s in range(3)]
    assert min(with_logo) >= LOGO_MIN_INLIERS > max(without), (with_logo, without)
    assert find_logo(logos, decode_gray(_jpeg(_photo(True)))) == "district"


def test_logo_permission_exempts_sender(index: RosterIndex) -> None:
    index.logos.append(LogoRecord("district", _jpeg(_logo())))
    try:
        att = (Attachment(_jpeg(_photo(True))),)
        flagged = screen(
            Message("Go team", Sender("teacher", "t-ortiz"), Audience("public"), attachments=att),
            index=index,
        )
        exempt = screen(
            Message(
                "Go team", Sender("administrator", "c-lee"), Audience("public"), attachments=att
            ),
            index=index,
        )
    finally:
        index.logos.clear()
    assert [f.detector for f in flagged] == ["district_logo"]
    assert exempt == []


def test_corrupt_image_is_a_finding_not_a_crash(index: RosterIndex) -> None:
    msg = Message(
        "pic",
        Sender("teacher", "t-ortiz"),
        Audience("public"),
        attachments=(Attachment(b"\xff\xd8\xffgarbage"),),
    )
    (f,) = screen(msg, index=index)
    assert f.detector == "image_error" and f.severity == "block"


def test_decompression_bomb_is_rejected_before_decoding(index: RosterIndex) -> None:
    buf = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buf, "PNG")  # 100 megapixels, tiny file
    msg = Message(
        "pic",
        Sender("teacher", "t-ortiz"),
        Audience("public"),
        attachments=(Attachment(buf.getvalue()),),
    )
    (f,) = screen(msg, index=index)
    assert f.detector == "image_error" and "megapixels" in f.message


def test_one_megapixel_photo_without_faces_gives_no_finding(index: RosterIndex) -> None:
    # Its speed (target 150 ms) is measured in bench/screening_speed.py, never asserted here.
    data = _jpeg(_photo(False).resize((1000, 1000)))
    msg = Message(
        "pic", Sender("teacher", "t-ortiz"), Audience("public"), attachments=(Attachment(data),)
    )
    assert [f.detector for f in screen(msg, index=index)] == []


def test_the_callers_logo_use_flags_without_a_grant_and_notes_with_one(index: RosterIndex) -> None:
    """The caller hands the logos and the author's permission as data (LogoUse): no grant, a
    warning with the link to ask; a current grant, a note naming its purpose and last day."""
    from chalkline.screening import LogoUse

    logos = (LogoRecord("District seal", _jpeg(_logo())),)
    message = Message(
        "Go team",
        Sender("teacher", "t-ortiz"),
        Audience("public"),
        attachments=(Attachment(_jpeg(_photo(True))),),
    )
    assert screen(message, index=index) == []  # no logos anywhere: nothing to look for
    (flagged,) = screen(
        message, index=index, logo=LogoUse(logos=logos, request_url="/registry/logo/request/")
    )
    assert (flagged.detector, flagged.severity) == ("district_logo", "warn")
    assert flagged.to_dict()["request_url"] == "/registry/logo/request/"
    (noted,) = screen(
        message,
        index=index,
        logo=LogoUse(logos=logos, until="2027-06-30", purpose="team shirts", request_url="/x"),
    )
    assert (noted.detector, noted.severity) == ("district_logo", "info")
    assert noted.message == (
        "Attachment 1 shows the District logo (District seal): you have permission to use it "
        "until 2027-06-30 for team shirts."
    )
    assert noted.to_dict()["permitted_until"] == "2027-06-30"
    assert "request_url" not in noted.to_dict()
    without_logo = Message(
        "Go team",
        Sender("teacher", "t-ortiz"),
        Audience("public"),
        attachments=(Attachment(_jpeg(_photo(False))),),
    )
    assert screen(without_logo, index=index, logo=LogoUse(logos=logos)) == []
