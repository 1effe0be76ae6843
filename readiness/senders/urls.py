from django.urls import path

from readiness.senders import views

app_name = "senders"
urlpatterns = [
    path("tenants/<slug:slug>/senders/", views.SenderListView.as_view(), name="senders"),
    path("tenants/<slug:slug>/senders/<int:pk>/", views.SenderDetailView.as_view(),
         name="sender"),
    path("tenants/<slug:slug>/senders/bulk/", views.SenderBulkView.as_view(), name="bulk"),
    path("tenants/<slug:slug>/senders/<int:pk>/workflow/", views.SenderWorkflowView.as_view(),
         name="workflow"),
    path("tenants/<slug:slug>/senders/<int:pk>/ownership/",
         views.SenderOwnershipView.as_view(), name="ownership"),
    path("tenants/<slug:slug>/senders/<int:pk>/transition/",
         views.SenderTransitionView.as_view(), name="transition"),
    path("devices/", views.DeviceCatalogueView.as_view(), name="devices"),
    path("tickets/mine/", views.MyTicketListView.as_view(), name="my_tickets"),
    path("tenants/<slug:slug>/tickets/", views.TeamTicketListView.as_view(), name="tickets"),
    path("tenants/<slug:slug>/tickets/<int:pk>/", views.TicketDetailView.as_view(),
         name="ticket"),
    path("tenants/<slug:slug>/tickets/<int:pk>/comment/", views.TicketCommentView.as_view(),
         name="ticket_comment"),
    path("tenants/<slug:slug>/what-if/", views.WhatIfView.as_view(), name="what_if"),
]
