from django.urls import path

from readiness.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.PortfolioView.as_view(), name="portfolio"),
    path("tenants/<slug:slug>/", views.TenantOverviewView.as_view(), name="tenant"),
]
