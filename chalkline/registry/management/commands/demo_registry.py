"""demo-registry: a registry of real-looking apps in the demo district, and its public page."""

from __future__ import annotations

import datetime
from argparse import ArgumentParser
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from chalkline.people.models import District, Membership
from chalkline.people.roles import Role
from chalkline.registry import services
from chalkline.registry.models import App
from chalkline.registry.samplepdf import one_page_pdf

# name, operator, address, purpose, data elements, domains, subcontractors
APPS: list[tuple[str, str, str, str, str, str, str]] = [
    (
        "Google Workspace for Education",
        "Google LLC",
        "1600 Amphitheatre Parkway, Mountain View, CA 94043",
        "staff_student",
        "student name;school email;grade level;coursework",
        "google.com;classroom.google.com",
        "",
    ),
    (
        "Canvas",
        "Instructure, Inc.",
        "6330 South 3000 East, Suite 700, Salt Lake City, UT 84121",
        "staff_student",
        "student name;student ID;course enrollments;grades;submissions",
        "instructure.com",
        "Amazon Web Services",
    ),
    (
        "Seesaw",
        "Seesaw Learning, Inc.",
        "PO Box 2027, Fremont, CA 94536",
        "staff_family",
        "student name;class roster;student work;parent email",
        "seesaw.me;app.seesaw.me",
        "Amazon Web Services;Zendesk",
    ),
    (
        "Remind",
        "Remind101, Inc.",
        "2121 Bryant St, San Francisco, CA 94110",
        "staff_family",
        "parent name;parent phone;class roster",
        "remind.com",
        "Twilio;Amazon Web Services",
    ),
    (
        "ClassDojo",
        "ClassDojo, Inc.",
        "735 Tehama St, San Francisco, CA 94103",
        "staff_family",
        "student first name;behavior points;parent email",
        "classdojo.com",
        "",
    ),
    (
        "PowerSchool SIS",
        "PowerSchool Group LLC",
        "150 Parkshore Dr, Folsom, CA 95630",
        "staff_only",
        "student demographics;attendance;grades;schedules;guardian contacts",
        "powerschool.com",
        "Microsoft Azure",
    ),
    (
        "Kahoot!",
        "Kahoot! ASA",
        "Fridtjof Nansens plass 7, 0160 Oslo, Norway",
        "staff_student",
        "student nickname;quiz answers",
        "kahoot.com;kahoot.it",
        "",
    ),
    (
        "IXL",
        "IXL Learning, Inc.",
        "777 Mariners Island Blvd, Suite 600, San Mateo, CA 94404",
        "staff_student",
        "student name;grade level;skill scores",
        "ixl.com",
        "",
    ),
    (
        "Microsoft 365 A1",
        "Microsoft Corporation",
        "One Microsoft Way, Redmond, WA 98052",
        "staff_only",
        "staff name;staff email;files",
        "microsoft.com;office.com",
        "",
    ),
    (
        "ParentSquare",
        "ParentSquare, Inc.",
        "6144 Calle Real, Suite 200A, Goleta, CA 93117",
        "staff_family",
        "student name;guardian name;guardian phone;guardian email",
        "parentsquare.com",
        "Twilio",
    ),
    (
        "Newsela",
        "Newsela, Inc.",
        "25 W 45th St, New York, NY 10036",
        "staff_student",
        "student name;reading level;quiz answers",
        "newsela.com",
        "",
    ),
    (
        "Nearpod",
        "Nearpod Inc.",
        "1855 Griffin Rd, Dania Beach, FL 33004",
        "staff_student",
        "student name;lesson responses",
        "nearpod.com",
        "",
    ),
]


def _csv() -> bytes:
    lines = [
        "name,operator,operator_address,purpose,data_elements,domains,subcontractors,signed_on,expires_on,status"
    ]
    for name, operator, address, purpose, data, domains, subs in APPS:
        expires = "2025-06-30" if name == "IXL" else "2028-06-30"  # IXL: review due
        lines.append(
            f'"{name}","{operator}","{address}",{purpose},{data},{domains},{subs},2024-07-01,{expires},approved'
        )
    return ("\n".join(lines) + "\n").encode()


class Command(BaseCommand):
    help = (
        "Fill the demo district's registry: twelve approved apps imported from a CSV, their "
        "agreements posted, one app asked for by a teacher, one breach and the public privacy "
        "page's text. Does nothing if the registry has apps already."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--slug", default="demo", help="District slug (default: demo).")

    def handle(self, *args: Any, **options: Any) -> None:
        district = District.objects.filter(slug=options["slug"]).first()
        if district is None:
            raise CommandError(f"No district {options['slug']!r}; run demo-data first.")
        if App.objects.filter(district=district).exists():
            self.stdout.write("The demo registry has apps already; nothing to do.")
            return
        boss = (
            Membership.objects.filter(
                district=district, role=Role.SUPERINTENDENT, building__isnull=True
            )
            .select_related("user")
            .first()
        )
        teacher = (
            Membership.objects.filter(district=district, role=Role.EMPLOYEE)
            .select_related("user")
            .first()
        )
        if boss is None:
            raise CommandError("The demo district has no superintendent.")
        by = boss.user
        with transaction.atomic():
            apps = services.import_apps(district=district, by=by, data=_csv())
            for app in apps:
                pdf = one_page_pdf(
                    "Student Data Privacy Agreement (demo)",
                    f"{district.name} and {app.operator}",
                    f"Product: {app.name}",
                )
                services.approve_app(
                    app=app,
                    by=by,
                    agreement=SimpleUploadedFile("agreement.pdf", pdf, "application/pdf"),
                    signed_on=app.signed_on or datetime.date(2024, 7, 1),
                    expires_on=app.expires_on,
                )
                services.post_agreement(app=app, by=by)
            services.request_app(
                district=district,
                by=teacher.user if teacher else by,
                name="Bloomz",
                operator="Bloomz, Inc.",
                operator_address="1110 Tennessee St, Vallejo, CA 94590",
                purpose=App.Purpose.STAFF_FAMILY,
                data_elements="parent name\nparent email\nclass photos",
                domains="bloomz.com",
                reason="Class newsletters and conference sign-ups.",
            )
            services.log_breach(
                district=district,
                by=by,
                app=next(a for a in apps if a.name == "Kahoot!"),
                cause="operator",
                started_on=datetime.date(2025, 10, 2),
                ended_on=datetime.date(2025, 10, 4),
                estimated=True,
                students=37,
                discovered_on=datetime.date(2025, 10, 20),
                description="A misconfigured export exposed student nicknames and quiz answers.",
            )
            services.edit_privacy_page(
                district=district,
                by=by,
                data_explanation=(
                    "The district collects students' names, grade levels, schedules, grades, "
                    "attendance and guardians' contact details to teach, to keep students safe "
                    "and to reach families. It discloses them only to the operators listed "
                    "below, each for the service named, under a written agreement."
                ),
                parent_rights=(
                    "Parents may inspect and review their child's covered information, ask for a "
                    "paper or electronic copy, and ask for corrections. Write to the district "
                    "office's privacy officer; the district answers within 30 days."
                ),
                host_name="",
                host_address="",
            )
        self.stdout.write(f"Registry: {len(apps)} apps posted, 1 request, 1 breach.")
