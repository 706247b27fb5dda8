"""Top-level URL map: login, the pages of each domain app, Django admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from trygg.accounts import oidc
from trygg.accounts import views as account_views
from trygg.api import errors

# JSON under /api/, Swedish pages elsewhere (trygg.api.errors).
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error

admin.site.site_header = "Trygg"
admin.site.site_title = "Trygg"

urlpatterns = [
    path("logga-in/", account_views.LoginView.as_view(), name="login"),
    path("logga-ut/", account_views.LogoutView.as_view(), name="logout"),
    # The second step of signing in, and the user's own page with two-step verification.
    path("logga-in/kod/", account_views.two_factor_verify, name="two_factor_verify"),
    path("konto/", account_views.account, name="account"),
    path(
        "konto/tvastegsverifiering/",
        account_views.two_factor_setup,
        name="two_factor_setup",
    ),
    path(
        "konto/tvastegsverifiering/stang-av/",
        account_views.two_factor_disable,
        name="two_factor_disable",
    ),
    # Single sign-on with the municipality's identity provider (trygg.accounts.oidc); the
    # callback is the redirect URI registered there. The names are mozilla-django-oidc's.
    path("oidc/logga-in/", oidc.StartView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc_authentication_callback"),
    # Password reset by e-mail, and the page an invitation's one-time link opens.
    path("losenord/glomt/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "losenord/skickat/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "losenord/nytt/<uidb64>/<token>/",
        account_views.PasswordSetView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "losenord/klart/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("trygg.front.urls")),
    path("omraden/", include("trygg.accounts.area_urls")),
    path("organisationer/", include("trygg.accounts.urls")),
    path("handelser/", include("trygg.incidents.urls")),
    path("analys/", include("trygg.analysis.urls")),
    path("samverkan/efterlevnad/", include("trygg.compliance.urls")),
    path("samverkan/", include("trygg.collaboration.urls")),
    path("atgardsplan/", include("trygg.plans.urls")),
    path("statistik/", include("trygg.statistics.urls")),
    path("lagesbild/", include("trygg.reports.urls")),
    path("api/", include("trygg.api.urls")),
    path("open311/v2/", include("trygg.incidents.open311_urls")),
]
