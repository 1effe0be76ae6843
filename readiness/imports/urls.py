from django.urls import path

from readiness.imports import views

app_name = "imports"
urlpatterns = [
    path("tenants/<slug:slug>/imports/", views.ImportListView.as_view(), name="list"),
    path("tenants/<slug:slug>/imports/upload/", views.UploadView.as_view(), name="upload"),
    path("tenants/<slug:slug>/imports/<int:pk>/", views.ImportDetailView.as_view(),
         name="detail"),
    path("tenants/<slug:slug>/imports/<int:pk>/status/", views.ImportStatusView.as_view(),
         name="status"),
    path("tenants/<slug:slug>/imports/<int:pk>/confirm/", views.ImportConfirmView.as_view(),
         name="confirm"),
    path("tenants/<slug:slug>/imports/<int:pk>/delete/", views.ImportDeleteView.as_view(),
         name="delete"),
]
