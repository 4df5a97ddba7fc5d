from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from chalkline.lib.http import IdConverter
from chalkline.people import sso, two_factor
from chalkline.people import views as people_views
from chalkline.people.forms import ThrottledAuthenticationForm
from chalkline.people.password_reset import RateLimitedPasswordResetView
from chalkline.workflows.home import home
from chalkline.workflows.training_views import sign_after_training

register_converter(IdConverter, "id")

urlpatterns = [
    path("", home, name="home"),  # reads several apps: chalkline/workflows/home.py
    path("healthz", people_views.healthz, name="healthz"),
    path("district/switch/", people_views.switch_district, name="switch_district"),
    path(
        "accounts/login/",
        sso.SignInView.as_view(authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    path("accounts/two-factor/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/code/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("accounts/sign-in/<slug:slug>/", sso.sso_start, name="sso_start"),
    path("accounts/sign-in/<slug:slug>/callback/", sso.sso_callback, name="sso_callback"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        RateLimitedPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("directory/", include("chalkline.people.urls")),
    path("audit/", include("chalkline.audit.urls")),
    # The policy pages, plus those that run a cross-app workflow (chalkline/workflows/urls.py).
    path("", include(("chalkline.workflows.urls", "policies"))),
    path("", include("chalkline.drafts.urls")),
    path("api/v1/", include("chalkline.api.urls")),
    # Matched before acks:sign (same path): signing waits for a required training (workflows).
    path("acknowledgments/a/<id:pk>/sign/", sign_after_training),
    path("acknowledgments/steps/", include("chalkline.workflows.training_urls")),
    path("acknowledgments/", include("chalkline.acks.urls")),
    path("", include("chalkline.registry.urls")),
    path("training/", include("chalkline.training.urls")),
    path("", include("chalkline.cases.urls")),
    # The personnel file: acknowledgments beside case outcomes (chalkline/workflows/personnel.py).
    path("personnel/", include("chalkline.workflows.personnel")),
    path("messages/", include("chalkline.messaging.urls")),
    # The review pages, plus the Board adoption that runs a workflow (workflows/review_urls.py).
    path("reviews/", include(("chalkline.workflows.review_urls", "reviews"))),
    path("", include("chalkline.reviews.portal_urls")),
]
