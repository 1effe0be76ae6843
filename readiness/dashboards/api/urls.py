from django.urls import path

from readiness.dashboards.api import views

urlpatterns = [
    path("tenants/", views.TenantListAPI.as_view(), name="api-tenants"),
    path("tenants/<slug:slug>/summary/", views.TenantSummaryAPI.as_view(),
         name="api-tenant-summary"),
    path("tenants/<slug:slug>/usage/", views.UsageAPI.as_view(), name="api-usage"),
]
