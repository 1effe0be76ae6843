from django.urls import path

from reports.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.PortfolioView.as_view(), name="portfolio"),
    path("tenants/<slug:slug>/", views.TenantOverviewView.as_view(), name="tenant"),
    path("tenants/<slug:slug>/senders/", views.SenderListView.as_view(), name="senders"),
]
