from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from readiness.tenancy import views as tenancy_views

urlpatterns = [
    path("accounts/login/", tenancy_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/microsoft/login/", tenancy_views.EntraLoginView.as_view(), name="entra-login"),
    path("accounts/microsoft/callback/", tenancy_views.EntraCallbackView.as_view(),
         name="entra-callback"),
    path("account/", tenancy_views.AccountView.as_view(), name="account"),
    path("accounts/sessions/end-all/", tenancy_views.SignOutEverywhereView.as_view(),
         name="sessions-end-all"),
    path("accounts/language/", tenancy_views.LanguageSwitchView.as_view(), name="language"),
    path("admin/", admin.site.urls),
    path("", include("readiness.ingestion.urls")),
    path("", include("readiness.connectors.urls")),
    path("", include("readiness.senders.urls")),
    path("", include("readiness.inventory.urls")),
    path("", include("readiness.notifications.urls")),
    path("", include("readiness.milestones.urls")),
    path("", include("readiness.tenancy.urls")),
    path("", include("readiness.imports.urls")),
    path("", include("readiness.dashboards.urls")),
    path("api/", include("readiness.api_urls")),
]
