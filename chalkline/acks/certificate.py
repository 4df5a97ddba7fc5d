"""The certificate PDF of one acknowledgment record (fpdf2): the district's name, everything the
record holds, its verification code, the public URL that re-checks it (printed and as a QR code,
segno), and the audit chain's head (sequence and hash) when the certificate was made, which ties
the document to the chain and its checkpoints.

Every time is printed one way: local time in the record's time zone (the district's) with the
zone's abbreviation, ``2026-09-01 14:03:07 CDT``. The facts are laid out label beside value so
that a normal record and its signed statement fit on one Letter page."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.urls import reverse

from chalkline.acks.models import Signature
from chalkline.audit.selectors import ChainHead, current_head

_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
_ASCII = str.maketrans(
    {"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...", "\u00a0": " "}
)


_TIME_FORMAT = "%Y-%m-%d %H:%M:%S %Z"
_LABEL_WIDTH = 44  # mm: the label column of the facts
_QR_SIZE = 28  # mm: large enough for a phone at arm's length, small enough to leave room


def local_time(moment: datetime | str, time_zone: str) -> str:
    """A moment (aware datetime or ISO text) as local time with the zone abbreviation."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(ZoneInfo(time_zone)).strftime(_TIME_FORMAT)


def verify_url(signature: Signature, site_url: str) -> str:
    return site_url.rstrip("/") + reverse("acks:verify", args=[signature.verification_code])


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _font(pdf: Any, texts: list[str]) -> tuple[str, bool]:
    """The PDF's built-in Helvetica when every text is Latin-1 as written (most records: nothing
    to embed, about a tenth of the time), else DejaVu (embedded, every script), else Helvetica
    with the text transliterated."""
    if all(_latin1(text) for text in texts):
        return "Helvetica", True
    for folder in _FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            return "DejaVu", True
    return "Helvetica", False


def certificate_rows(signature: Signature) -> list[tuple[str, str]]:
    """The labelled facts of the record, in the order the certificate (and page) shows them."""
    zone = signature.time_zone
    rows = [
        ("Outcome", signature.get_kind_display()),
        ("Method", signature.get_method_display()),
        ("Employee", signature.employee_name),
        ("Employee number", signature.employee_identifier or "-"),
        ("Building", signature.building_name or "-"),
        ("Job", signature.job_title or "-"),
        ("Campaign", f"{signature.campaign_title} ({signature.school_year})"),
    ]
    for item in signature.packet:
        rows.append(
            (
                "Policy",
                f"{item['policy']} {item['title']}, version {item['version']}, "
                f"SHA-256 {item['sha256']}",
            )
        )
    rows += [
        ("SHA-256 of the signed text", signature.text_sha256),
        (
            "Distributed by",
            f"{signature.distributed_by_name}, {local_time(signature.distributed_at, zone)}"
            if signature.distributed_at
            else "-",
        ),
        (
            "E-consent",
            f"version {signature.consent_version}" if signature.consent_version else "-",
        ),
        ("Recorded at", f"{local_time(signature.signed_at, zone)} ({zone})"),
        ("Recorded by", signature.recorded_by_name or "-"),
        ("IP address", signature.ip or "-"),
        ("Browser", signature.user_agent or "-"),
    ]
    if signature.typed_name:
        rows.append(("Typed name", signature.typed_name))
    if signature.refusal_reason:
        rows.append(("Reason for refusal", signature.refusal_reason))
    if signature.witness_name:
        rows.append(("Witness", signature.witness_name))
    if signature.rationale:
        rows.append(("Rationale", signature.rationale))
    if signature.scan_sha256:
        rows.append(("Scan SHA-256", signature.scan_sha256))
    if signature.comment:
        rows.append(("Employee comment", signature.comment))
    for event in signature.reading_events:
        label = "Opened" if event["kind"] == "opened" else "Finished reading"
        extra = f" after {event['seconds']} seconds" if event["kind"] == "read" else ""
        rows.append((label, f"{local_time(event['at'], zone)}{extra}"))
    rows.append(("Record hash", signature.record_hash))
    return rows


def _line_count(pdf: Any, width: float, height: float, text: str) -> int:
    """How many lines ``multi_cell`` would take for the text at the current font."""
    lines = pdf.multi_cell(width, height, text, dry_run=True, output="LINES")
    return len(cast(list[str], lines))


def _qr_png(url: str) -> io.BytesIO:
    import segno

    out = io.BytesIO()
    segno.make_qr(url, error="m").save(out, kind="png", scale=8, border=4)
    out.seek(0)
    return out


def certificate_pdf(signature: Signature, *, site_url: str, head: ChainHead | None = None) -> bytes:
    """The PDF. ``head`` defaults to the district's audit chain head now."""
    from fpdf import FPDF

    if head is None:
        head = current_head(signature.district_id)

    pdf = FPDF(format="Letter")
    pdf.set_title(f"Acknowledgment certificate {signature.verification_code}")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    url = verify_url(signature, site_url)
    rows = certificate_rows(signature)
    district_name = signature.district.name
    family, unicode_ok = _font(
        pdf,
        [url, district_name, signature.intent_text, *(text for row in rows for text in row)],
    )

    def t(text: str) -> str:
        if unicode_ok:
            return text
        return text.translate(_ASCII).encode("latin-1", "replace").decode("latin-1")

    pdf.add_page()
    # The QR code of the verification link, top right; the heading lines run beside it.
    qr_x, qr_y = pdf.w - pdf.r_margin - _QR_SIZE, pdf.t_margin
    pdf.image(_qr_png(url), x=qr_x, y=qr_y, w=_QR_SIZE, h=_QR_SIZE)
    beside = qr_x - pdf.l_margin - 4
    pdf.set_font(family, "B", 16)
    pdf.multi_cell(beside, 8, t("Policy acknowledgment certificate"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "B", 12)
    pdf.multi_cell(beside, 6, t(district_name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    pdf.multi_cell(
        beside,
        5,
        t(f"Verification code: {signature.verification_code}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.multi_cell(beside, 5, t(f"Verify at: {url}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), qr_y + _QR_SIZE) + 1)
    for line in (
        f"Audit chain head when this certificate was made: #{head.seq}",
        f"Audit chain head hash: {head.hash}",
    ):
        pdf.multi_cell(0, 5, t(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for label, value in rows:
        top = pdf.get_y()
        pdf.set_font(family, "B", 9)
        pdf.multi_cell(_LABEL_WIDTH, 4.2, t(label), new_x="RIGHT", new_y="TOP")
        label_bottom = top + 4.2 * max(1, _line_count(pdf, _LABEL_WIDTH, 4.2, t(label)))
        pdf.set_font(family, "", 9)
        pdf.multi_cell(0, 4.2, t(value), new_x="LMARGIN", new_y="NEXT")
        if pdf.get_y() >= top:  # same page: the taller of the two columns
            pdf.set_y(max(pdf.get_y(), label_bottom))
        pdf.ln(0.8)
    if signature.intent_text:
        pdf.ln(2)
        pdf.set_font(family, "", 9)
        needed = 5 + 4.5 * min(_line_count(pdf, 0, 4.5, t(signature.intent_text)), 3)
        if pdf.get_y() + needed > pdf.h - pdf.b_margin:
            pdf.add_page()  # keep the heading with the start of the statement
        pdf.set_font(family, "B", 10)
        pdf.multi_cell(0, 5, t("Statement signed"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 9)
        pdf.multi_cell(0, 4.5, t(signature.intent_text), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
