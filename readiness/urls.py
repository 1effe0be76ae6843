from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("readiness.ingestion.urls")),
    path("", include("readiness.connectors.urls")),
    path("", include("readiness.senders.urls")),
    path("", include("readiness.notifications.urls")),
    path("", include("readiness.milestones.urls")),
    path("", include("readiness.tenancy.urls")),
    path("", include("reports.imports.urls")),
    path("", include("reports.dashboards.urls")),
    path("api/", include("readiness.api_urls")),
]
