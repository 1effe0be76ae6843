from django.urls import path

from readiness.notifications import views

app_name = "notifications"
urlpatterns = [
    path("tenants/<slug:slug>/webhooks/", views.WebhookListView.as_view(), name="webhooks"),
    path("tenants/<slug:slug>/webhooks/deliveries/", views.WebhookDeliveryListView.as_view(),
         name="deliveries"),
]
