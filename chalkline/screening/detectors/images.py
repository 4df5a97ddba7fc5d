"""photo_face and district_logo: bounded, local image checks with OpenCV.

Every attachment is decoded at most once, after a header-only size check: images above
``MAX_PIXELS`` (a decompression bomb, or simply too big to screen) and files Pillow cannot decode
produce an ``image_error`` finding instead of an exception. Decoding uses Pillow's JPEG draft
mode (the decoder itself scales by 1/2, 1/4 or 1/8) and then an area resize, so the logo search
runs on at most ``WORK_SIDE`` pixels a side and the face search on at most ``FACE_SIDE``.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import cv2
import numpy as np
from PIL import Image

from ..clauses import clause_for
from ..i18n import gettext_noop as _
from ..records import LogoRecord
from ..types import Attachment, Finding, Severity
from .context import ScreenContext

MAX_PIXELS = 64_000_000
MAX_BYTES = 40_000_000
WORK_SIDE = 768
#: faces are searched at this size with the cascade's 24-pixel window, so a face smaller than
#: 1/20 of the image's long side is missed. Cost grows with the square of this side.
FACE_SIDE = 480
FACE_SCALE_FACTOR = 1.2
#: ORB matches that survive the ratio test AND a RANSAC homography; tuned in test_images.py
LOGO_MIN_INLIERS = 14

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class ImageCheckError(ValueError):
    pass


def decode_gray(data: bytes, max_side: int = WORK_SIDE) -> np.ndarray[Any, Any]:
    """Decode to an 8-bit grayscale array no larger than ``max_side``; raise ImageCheckError."""
    if len(data) > MAX_BYTES:
        raise ImageCheckError(f"the file is {len(data):,} bytes; the limit is {MAX_BYTES:,}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
            w, h = opened.size
            if w * h > MAX_PIXELS:
                raise ImageCheckError(
                    f"the image is {w}x{h} pixels; the limit is {MAX_PIXELS // 1_000_000} megapixels"
                )
            opened.draft("L", (max_side, max_side))
            gray = np.asarray(opened.convert("L"), dtype=np.uint8)
            return _fit(gray, max_side)
    except ImageCheckError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageCheckError(
            f"the image is too large to check (decompression bomb over {MAX_PIXELS // 1_000_000} megapixels)"
        ) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ImageCheckError("the file is not a readable image") from exc


def _fit(gray: np.ndarray[Any, Any], max_side: int) -> np.ndarray[Any, Any]:
    side = max(gray.shape)
    if side <= max_side:
        return gray
    scale = max_side / side
    size = (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale)))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA)


@lru_cache(maxsize=1)
def _face_cascade() -> Any:
    path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"  # type: ignore[attr-defined]
    cascade = cv2.CascadeClassifier(path)
    if cascade.empty():
        raise RuntimeError(f"cannot load {path}")
    return cascade


def count_faces(gray: np.ndarray[Any, Any]) -> list[tuple[int, int, int, int]]:
    small = _fit(gray, FACE_SIDE)
    eq = cv2.equalizeHist(small)
    min_side = max(24, min(small.shape) // 25)
    faces = _face_cascade().detectMultiScale(
        eq, scaleFactor=FACE_SCALE_FACTOR, minNeighbors=5, minSize=(min_side, min_side)
    )
    return [tuple(int(v) for v in f) for f in faces]  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class _LogoFeatures:
    name: str
    keypoints: Any
    descriptors: Any


_ORB = None


def _orb() -> Any:
    global _ORB
    if _ORB is None:
        _ORB = cv2.ORB_create(nfeatures=1000)  # type: ignore[attr-defined]
    return _ORB


_LOGO_CACHE: dict[int, list[_LogoFeatures]] = {}


def _logo_features(logos: list[LogoRecord]) -> list[_LogoFeatures]:
    key = hash(tuple((lg.name, len(lg.image)) for lg in logos))
    cached = _LOGO_CACHE.get(key)
    if cached is None:
        cached = []
        for lg in logos:
            gray = decode_gray(lg.image, 512)
            kp, des = _orb().detectAndCompute(gray, None)
            if des is not None and len(kp) >= 10:
                cached.append(_LogoFeatures(lg.name, kp, des))
        _LOGO_CACHE[key] = cached
    return cached


def usable_logo(data: bytes) -> bool:
    """Whether an image of a logo has detail enough to be found in attachments (the keypoints
    ``find_logo`` matches). Raises ImageCheckError for a file that is not a readable image."""
    kp, des = _orb().detectAndCompute(decode_gray(data, 512), None)
    return des is not None and len(kp) >= 10


def logo_inliers(logo: _LogoFeatures, gray: np.ndarray[Any, Any]) -> int:
    kp, des = _orb().detectAndCompute(gray, None)
    if des is None or len(kp) < 10:
        return 0
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    pairs = matcher.knnMatch(logo.descriptors, des, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < 0.75 * p[1].distance]
    if len(good) < LOGO_MIN_INLIERS:
        return len(good) if len(good) < 4 else _ransac(logo, kp, good)
    return _ransac(logo, kp, good)


def _ransac(logo: _LogoFeatures, kp: Any, good: list[Any]) -> int:
    if len(good) < 4:
        return 0
    src = np.array([logo.keypoints[m.queryIdx].pt for m in good], dtype=np.float32).reshape(
        -1, 1, 2
    )
    dst = np.array([kp[m.trainIdx].pt for m in good], dtype=np.float32).reshape(-1, 1, 2)
    _h, mask = cv2.findHomography(src, dst, cv2.RANSAC, 6.0)
    return int(mask.sum()) if mask is not None else 0


def find_logo(logos: list[LogoRecord], gray: np.ndarray[Any, Any]) -> str | None:
    for feat in _logo_features(logos):
        if logo_inliers(feat, gray) >= LOGO_MIN_INLIERS:
            return feat.name
    return None


def _media_release_gap(ctx: ScreenContext) -> bool:
    """True when some student in the sender's classes (or the audience class) has no release."""
    idx = ctx.index
    return any(
        (rec := idx.student(sid)) is not None and not rec.media_release
        for sid in ctx.context_students()
    )


def _face_severity(ctx: ScreenContext, att: Attachment) -> tuple[Severity, str] | None:
    msg = ctx.message
    aud = msg.audience
    idx = ctx.index
    if aud.kind == "direct" and aud.recipients:
        if att.pictured:
            allowed = set(att.pictured)
            for sid in att.pictured:
                allowed.update(idx.guardians_of(sid))
            if all(r in allowed or idx.is_staff(r) for r in aud.recipients):
                return None
        elif len(aud.recipients) == 1:
            return "info", _("Make sure only this family's own child is in the photo.")
        return (
            "warn",
            _("The photo shows faces and goes to people beyond the pictured students' families."),
        )
    if aud.kind == "public":
        if _media_release_gap(ctx):
            return "block", _(
                "This public post shows faces, and at least one student in your classes has no media "
                "release on file."
            )
        return (
            "warn",
            _("This public post shows faces; confirm every pictured student has a media release."),
        )
    if aud.kind == "staff":
        return "info", _("Photos of students stay within staff who need them.")
    return "warn", _("The photo shows faces and goes beyond the pictured students' families.")


_UNCHECKED = _("Attachment %(number)s could not be checked: %(reason)s.")
_LOGO = _("Attachment %(number)s shows the District logo (%(name)s); using it needs permission.")
_LOGO_PERMITTED = _(
    "Attachment %(number)s shows the District logo (%(name)s): you have permission to use it "
    "until %(until)s for %(purpose)s."
)


def _logo_finding(ctx: ScreenContext, n: int, name: str) -> Finding:
    """A warning (a note from students and families) without a current grant, with the link to
    ask for one; a note naming the grant's end date and purpose with one."""
    use = ctx.logo
    number = str(n + 1)
    if use.permitted:
        return Finding(
            "district_logo",
            0,
            0,
            "info",
            clause_for("district_logo"),
            _LOGO_PERMITTED
            % {"number": number, "name": name, "until": use.until, "purpose": use.purpose},
            _("Use the logo only for that purpose, and only until then."),
            attachment=n,
            extra={"permitted_until": use.until, "permitted_for": use.purpose},
            template=_LOGO_PERMITTED,
            args=(
                ("number", number),
                ("name", name),
                ("until", use.until),
                ("purpose", use.purpose),
            ),
        )
    extra: dict[str, object] = {}
    fix = _("Remove the logo, or ask the communications office for permission.")
    if use.request_url:
        fix = _("Remove the logo, or ask for permission to use it.")
        extra["request_url"] = use.request_url
    return Finding(
        "district_logo",
        0,
        0,
        "warn" if ctx.message.sender.is_staff else "info",
        clause_for("district_logo"),
        _LOGO % {"number": number, "name": name},
        fix,
        attachment=n,
        extra=extra,
        template=_LOGO,
        args=(("number", number), ("name", name)),
    )


def detect(ctx: ScreenContext) -> list[Finding]:
    msg = ctx.message
    out: list[Finding] = []
    staff = ctx.index.staff(msg.sender.id)
    # A roster's own flag (OneRoster metadata, for the CLI) exempts the sender outright; a grant
    # handed in by the caller (ctx.logo) turns the warning into a note instead.
    logo_exempt = bool(staff and staff.logo_permission)
    logos = ctx.index.logos + list(ctx.logo.logos) if ctx.logo.logos else ctx.index.logos
    for n, att in enumerate(msg.attachments):
        try:
            gray = decode_gray(att.data)
        except ImageCheckError as exc:
            out.append(
                Finding(
                    "image_error",
                    0,
                    0,
                    "block",
                    clause_for("image_error"),
                    _UNCHECKED % {"number": n + 1, "reason": exc},
                    _("Attach a normal photo (JPEG or PNG, under 64 megapixels)."),
                    attachment=n,
                    template=_UNCHECKED,
                    args=(("number", str(n + 1)), ("reason", str(exc))),
                )
            )
            continue
        if msg.sender.is_staff and count_faces(gray):
            verdict = _face_severity(ctx, att)
            if verdict is not None:
                sev, why = verdict
                out.append(
                    Finding(
                        "photo_face",
                        0,
                        0,
                        sev,
                        clause_for("photo_face"),
                        why,
                        _(
                            "Crop or blur faces, or share it only with the pictured students' families."
                        ),
                        attachment=n,
                    )
                )
        if logos and not logo_exempt:
            name = find_logo(logos, gray)
            if name:
                out.append(_logo_finding(ctx, n, name))
    return out
