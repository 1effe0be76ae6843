from django.urls import path

from readiness.inventory.api import views

urlpatterns = [
    path("tenants/<slug:slug>/mailboxes/", views.MailboxListAPI.as_view(),
         name="api-mailboxes"),
]
