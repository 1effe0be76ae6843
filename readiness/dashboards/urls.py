from django.urls import path

from readiness.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.PortfolioView.as_view(), name="portfolio"),
    path("tenants/<slug:slug>/", views.TenantOverviewView.as_view(), name="tenant"),
    path("tenants/<slug:slug>/senders/", views.SenderListView.as_view(), name="senders"),
    path("tenants/<slug:slug>/senders/<int:pk>/", views.SenderDetailView.as_view(),
         name="sender"),
    path("tenants/<slug:slug>/mailboxes/", views.MailboxListView.as_view(), name="mailboxes"),
]
