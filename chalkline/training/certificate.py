"""The training completion certificate PDF (fpdf2): the district, the person, the training and
its topics, the date, the professional-development hours, the renewal date when the training
lapses, and the district's ISBE provider number when it is set (Illinois educators report PD
hours for licence renewal)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings

from chalkline.training.models import RosterEntry, TrainingSettings

_ASCII = str.maketrans(
    {"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...", "\u00a0": " "}
)


def _t(text: str) -> str:
    return text.translate(_ASCII).encode("latin-1", "replace").decode("latin-1")


def certificate_rows(entry: RosterEntry, provider_number: str) -> list[tuple[str, str]]:
    session = entry.session
    training = session.training
    zone = ZoneInfo(str(settings.TIME_ZONE))
    completed = entry.completed_at.astimezone(zone) if entry.completed_at else None
    rows = [
        ("Participant", entry.person.display_name),
        ("Training", training.title),
        ("Covers", training.get_topic_display()),
        ("Format", session.get_format_display()),
        ("Completed on", completed.strftime("%B %-d, %Y") if completed else "-"),
        ("Professional-development hours", f"{training.pd_hours}"),
        ("How", entry.get_method_display()),
    ]
    if entry.score is not None:
        rows.append(("Knowledge check", f"{entry.score}%"))
    if entry.valid_until:
        rows.append(("Renew by", entry.valid_until.strftime("%B %-d, %Y")))
    if provider_number:
        rows.append(("ISBE provider number", provider_number))
    rows.append(("Record", f"training-{entry.pk}"))
    return rows


def certificate_pdf(entry: RosterEntry) -> bytes:
    from fpdf import FPDF

    found = TrainingSettings.objects.filter(district_id=entry.district_id).first()
    provider = found.isbe_provider_number if found else ""
    pdf = FPDF(format="Letter")
    pdf.set_title(f"Training certificate {entry.pk}")
    pdf.set_margins(22, 22, 22)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 10, _t("Certificate of completion"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(0, 7, _t(entry.district.name), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    for label, value in certificate_rows(entry, provider):
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(70, 6, _t(label))
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 6, _t(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    return bytes(pdf.output())
