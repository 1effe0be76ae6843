from django.urls import path

from readiness.senders.api import views

urlpatterns = [
    path("tenants/<slug:slug>/senders/", views.SenderListAPI.as_view(), name="api-senders"),
    path("tickets/", views.MyTicketListAPI.as_view(), name="api-my-tickets"),
    path("tenants/<slug:slug>/tickets/", views.TicketListCreateAPI.as_view(),
         name="api-tickets"),
    path("tenants/<slug:slug>/tickets/<int:pk>/assign/", views.TicketAssignAPI.as_view(),
         name="api-ticket-assign"),
    path("tenants/<slug:slug>/tickets/<int:pk>/comments/", views.TicketCommentAPI.as_view(),
         name="api-ticket-comment"),
    path("tenants/<slug:slug>/senders/workflow/", views.SenderWorkflowListAPI.as_view(),
         name="api-sender-workflow"),
    path("tenants/<slug:slug>/senders/<int:pk>/transition/", views.SenderTransitionAPI.as_view(),
         name="api-sender-transition"),
]
