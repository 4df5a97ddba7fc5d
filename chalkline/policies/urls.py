"""Staff pages under /policies/ and the public portal under /d/<district>/policies/."""

from django.urls import URLPattern, URLResolver, path, register_converter

from chalkline.policies.views import portal, staff


class PolicyNumberConverter:
    """A policy number as it appears in a URL: 5:125, 5.020, 7540.03, JICL, GBEB-R."""

    regex = r"[A-Za-z0-9][A-Za-z0-9:.\-]{0,39}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class ClauseIdConverter:
    """A clause id: ``<number>/<section>/<local>``, e.g. 5:125/use-of-personal-technology/6.

    At most five segments of letters, digits and ``: . - ~``; anything else is a 404 before any
    database query.
    """

    regex = r"[A-Za-z0-9][A-Za-z0-9:.\-]{0,39}(?:/[A-Za-z0-9][A-Za-z0-9.~\-]{0,119}){0,4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PolicyNumberConverter, "policynumber")
register_converter(ClauseIdConverter, "clauseid")

app_name = "policies"

PORTAL = "d/<slug:district>/policies/"

urlpatterns: list[URLPattern | URLResolver] = [
    # Staff library and management
    path("policies/", staff.library, name="library"),
    path("policies/import/", staff.import_policy, name="import"),
    path("policies/imports/<id:pk>/", staff.import_status, name="import_status"),
    path("policies/<id:pk>/", staff.policy_detail, name="policy"),
    path("policies/<id:pk>/compare/", staff.compare, name="compare"),
    path("policies/<id:pk>/changes/", staff.changes, name="changes"),
    path("policies/<id:pk>/guidelines/new/", staff.guideline_new, name="guideline_new"),
    path("policies/versions/<id:pk>/", staff.version_detail, name="version"),
    path("policies/versions/<id:pk>/edit/", staff.edit_draft, name="edit_draft"),
    # policies/versions/<id:pk>/publish/ (name "publish") is chalkline.workflows.views, added
    # to this namespace by chalkline/urls.py: publishing may open an acknowledgment follow-up.
    path("policies/guidelines/<id:pk>/", staff.guideline_detail, name="guideline"),
    path("policies/guidelines/<id:pk>/edit/", staff.guideline_edit, name="guideline_edit"),
    path(
        "policies/guideline-versions/<id:pk>/publish/",
        staff.guideline_publish,
        name="guideline_publish",
    ),
    # Public portal
    path(PORTAL, portal.index, name="portal"),
    path(PORTAL + "search/", portal.search_results, name="portal_search"),
    path(PORTAL + "clause/<clauseid:clause_id>/", portal.clause, name="portal_clause"),
    path(PORTAL + "<policynumber:number>/", portal.policy, name="portal_policy"),
    path(PORTAL + "<policynumber:number>/print/", portal.printable, name="portal_print"),
    path(PORTAL + "<policynumber:number>/pdf/", portal.pdf, name="portal_pdf"),
    path(PORTAL + "<policynumber:number>/community/", portal.community, name="portal_community"),
    path(
        PORTAL + "<policynumber:number>/guidelines/<slug:slug>/",
        portal.guideline,
        name="portal_guideline",
    ),
]
