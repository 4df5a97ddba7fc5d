"""Locust journeys of `make soak` (bench/soak.py starts Locust with this file; not run alone).

SOAK_PLAN names a JSON file the soak wrote (the district's accounts and ids); SOAK_OUT is where
every request (start, kind, method, ms, status, ok) and every confirmed signature are written when
Locust stops. Each simulated user waits 1-3 s between actions and stops after
``max_actions`` actions; every request times out after 30 s.

- Employees (most users): sign in as the next employee of the pool, read the campaign's policy
  (the assignment page, open it, done reading), give e-consent, sign (one POST in ten is sent
  twice, as a retry would), check a draft, sign out.
  One employee in three also reports a concern (opens a case) about a communication, with a
  marker of its own in the text, so the soak can count each confirmed concern in the database.
- Principals: sign in once, then the building's dashboard, the campaign list, and a message to the
  building's staff through the messaging hub (screened before it is stored; one send in ten is
  POSTed twice with the same idempotency key, as a double click, and must make one message).
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from pathlib import Path
from typing import Any

from locust import HttpUser, SequentialTaskSet, between, events, task
from locust.exception import StopUser

PLAN: dict[str, Any] = json.loads(Path(os.environ["SOAK_PLAN"]).read_text())
OUT = Path(os.environ["SOAK_OUT"])
MAX_ACTIONS = int(PLAN["max_actions"])
EMPLOYEES: list[dict[str, Any]] = list(PLAN["employees"])
RECORDS: list[list[Any]] = []
CONFIRMED: list[int] = []
CASES: list[str] = []  # markers of the concerns whose filing was confirmed
CASE_MARKER = "Soak concern "
MESSAGES: list[str] = []  # markers of the messages whose sending was confirmed
MESSAGE_MARKER = "Soak message "
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DRAFTS = [
    "Reminder: the field trip form is due Friday. Thanks, families!",
    "Great work at the science fair today, {student}!",
    "Please call me about {student}'s grades this week.",
    "Our building will dismiss early on Wednesday for conferences.",
]


def _record(
    request_type: str,
    name: str,
    response_time: float,
    response: Any = None,
    exception: BaseException | None = None,
    start_time: float | None = None,
    **kwargs: Any,
) -> None:
    status = int(getattr(response, "status_code", 0) or 0) if response is not None else 0
    start = start_time if start_time is not None else time.time() - response_time / 1000
    RECORDS.append([start, name, request_type, response_time, status, exception is None])


def _write(**kwargs: Any) -> None:
    OUT.write_text(
        json.dumps(
            {"requests": RECORDS, "confirmed": CONFIRMED, "cases": CASES, "messages": MESSAGES}
        )
    )


events.request.add_listener(_record)  # type: ignore[no-untyped-call]
events.quitting.add_listener(_write)  # type: ignore[no-untyped-call]


class Journey(SequentialTaskSet):
    """Shared helpers: a counted, bounded action and a form post with the CSRF token."""

    user: SoakUser

    def act(self) -> None:
        self.user.actions += 1
        if self.user.actions > MAX_ACTIONS:
            raise StopUser

    def get(self, url: str, kind: str, expect: int = 200) -> str | None:
        self.act()
        with self.client.get(url, name=kind, allow_redirects=False, catch_response=True) as r:
            if r.status_code != expect:
                r.failure(f"{r.status_code}")
                return None
            r.success()
            return str(r.text)

    def post(
        self, url: str, kind: str, data: dict[str, str], page: str | None, expect: int = 302
    ) -> Any:
        self.act()
        token = self.client.cookies.get("csrftoken", "")
        if not token and page:
            found = CSRF.search(page)
            token = found.group(1) if found else ""
        form = {"csrfmiddlewaretoken": token, **data}
        with self.client.post(
            url, data=form, name=kind, allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != expect:
                r.failure(f"{r.status_code}")
                return None
            r.success()
            return r

    def sign_in(self, username: str) -> bool:
        self.client.cookies.clear()
        page = self.get("/accounts/login/", "sign-in page")
        if page is None:
            return False
        return (
            self.post(
                "/accounts/login/",
                "sign in",
                {"username": username, "password": PLAN["password"]},
                page,
            )
            is not None
        )

    def broken(self) -> None:
        """A step failed (during the PostgreSQL restart, say): start the journey over."""
        self.interrupt(reschedule=False)  # type: ignore[no-untyped-call]


class EmployeeJourney(Journey):
    employee: dict[str, Any]
    page: str | None

    @task
    def sign_in_step(self) -> None:
        if not EMPLOYEES:
            raise StopUser  # every prepared employee has had a turn
        self.employee = EMPLOYEES.pop()
        if not self.sign_in(self.employee["username"]):
            self.broken()

    @task
    def my_acknowledgments(self) -> None:
        if self.get("/acknowledgments/", "my acknowledgments") is None:
            self.broken()

    @task
    def read_policy(self) -> None:
        pk = self.employee["assignment"]
        page = self.get(f"/acknowledgments/a/{pk}/", "assignment page")
        if page is None or self.post(f"/acknowledgments/a/{pk}/open/", "open", {}, page) is None:
            self.broken()

    @task
    def done_reading(self) -> None:
        pk = self.employee["assignment"]
        self.page = self.get(f"/acknowledgments/a/{pk}/", "assignment page")
        if (
            self.page is None
            or self.post(f"/acknowledgments/a/{pk}/done-reading/", "done reading", {}, self.page)
            is None
        ):
            self.broken()

    @task
    def consent(self) -> None:
        page = self.get("/acknowledgments/consent/", "consent page")
        if (
            page is None
            or self.post("/acknowledgments/consent/", "consent", {"agree": "on"}, page) is None
        ):
            self.broken()

    @task
    def sign(self) -> None:
        pk = self.employee["assignment"]
        url = f"/acknowledgments/a/{pk}/sign/"
        page = self.get(url, "sign page")
        if page is None:
            self.broken()
            return
        data = {"typed_name": self.employee["name"], "comment": ""}
        for attempt in range(2 if pk % 10 == 0 else 1):  # one in ten is retried
            r = self.post(url, "sign", data, page)
            if r is None:
                self.broken()
                return
            if attempt == 0 and r.headers.get("Location", "").endswith(f"/a/{pk}/"):
                CONFIRMED.append(pk)

    @task
    def check_draft(self) -> None:
        page = self.get("/check/", "check page")
        text = random.choice(DRAFTS).format(student=random.choice(PLAN["students"]))
        if (
            page is None
            or self.post(
                "/check/",
                "check a draft",
                {"text": text, "audience": "public", "author": "me"},
                page,
                expect=200,
            )
            is None
        ):
            self.broken()

    @task
    def report_concern(self) -> None:
        pk = self.employee["assignment"]
        if pk % 3:
            return
        page = self.get("/cases/report/", "report page")
        if page is None:
            self.broken()
            return
        marker = f"{pk}-{random.getrandbits(32):08x}"
        data = {
            "kind": "communication",
            "subject_position": "unknown",
            "description": f"{CASE_MARKER}{marker}: a coach messaged a student from a personal "
            "account about practice times.",
        }
        r = self.post("/cases/report/", "report a concern", data, page)
        if r is None:
            self.broken()
        elif "/cases/" in r.headers.get("Location", ""):
            CASES.append(marker)

    @task
    def sign_out(self) -> None:
        self.post("/accounts/logout/", "sign out", {}, None)


class PrincipalJourney(Journey):
    signed_in = False

    def on_start(self) -> None:
        self.signed_in = self.sign_in(PLAN["principal"])

    @task
    def dashboard(self) -> None:
        if not self.signed_in:
            self.signed_in = self.sign_in(PLAN["principal"])
            return
        if self.get(PLAN["dashboard"], "dashboard") is None:
            self.signed_in = False

    @task
    def campaigns(self) -> None:
        if self.signed_in and self.get("/acknowledgments/campaigns/", "campaigns") is None:
            self.signed_in = False

    @task
    def message_staff(self) -> None:
        if not self.signed_in:
            return
        page = self.get("/messages/new/", "compose page")
        if page is None:
            self.signed_in = False
            return
        marker = f"{random.getrandbits(48):012x}"
        data = {
            "audience": PLAN["staff_audience"],
            "subject": f"{MESSAGE_MARKER}{marker}",
            "body": "Staff meeting moved to Thursday at 3:15 in the library.",
            "idempotency_key": marker,
        }
        for attempt in range(2 if random.random() < 0.1 else 1):  # a double click
            r = self.post("/messages/new/", "send a message", data, page)
            if r is None:
                return
            if attempt == 0 and "/messages/t/" in r.headers.get("Location", ""):
                MESSAGES.append(marker)


class SoakUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    network_timeout = 30.0
    connection_timeout = 10.0
    actions = 0


class Employee(SoakUser):
    weight = 9
    tasks = [EmployeeJourney]


class Principal(SoakUser):
    weight = 1
    tasks = [PrincipalJourney]
