from django.urls import path

from readiness.tenancy import views

app_name = "tenancy"
urlpatterns = [
    path("tenants/<slug:slug>/members/", views.MemberListView.as_view(), name="members"),
    path("tenants/<slug:slug>/members/add/", views.MemberAddView.as_view(), name="member-add"),
    path("tenants/<slug:slug>/members/<int:pk>/", views.MemberChangeView.as_view(),
         name="member-change"),
    path("tenants/<slug:slug>/members/<int:pk>/remove/", views.MemberRemoveView.as_view(),
         name="member-remove"),
    path("tenants/<slug:slug>/domains/", views.TenantDomainsView.as_view(), name="domains"),
    path("tenants/<slug:slug>/audit/", views.TenantAuditView.as_view(), name="audit"),
    path("audit/", views.GlobalAuditView.as_view(), name="audit-global"),
    path("invitations/<str:token>/", views.InvitationView.as_view(), name="invitation"),
]
