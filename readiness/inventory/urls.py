from django.urls import path

from readiness.inventory import views

app_name = "inventory"
urlpatterns = [
    path("tenants/<slug:slug>/mailboxes/", views.MailboxListView.as_view(), name="mailboxes"),
]
