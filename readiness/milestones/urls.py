from django.urls import path

from readiness.milestones import views

app_name = "milestones"
urlpatterns = [
    path("milestones/", views.MilestoneListView.as_view(), name="list"),
    path("milestones/add/", views.MilestoneEditView.as_view(), name="add"),
    path("milestones/<int:pk>/edit/", views.MilestoneEditView.as_view(), name="edit"),
    path("milestones/<int:pk>/retire/", views.MilestoneRetireView.as_view(), name="retire"),
    path("tenants/<slug:slug>/milestones/", views.TenantTargetView.as_view(), name="tenant"),
    path("tenants/<slug:slug>/milestones/<int:pk>/retire/",
         views.TenantTargetRetireView.as_view(), name="tenant-retire"),
]
