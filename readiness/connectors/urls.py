from django.urls import path

from readiness.connectors import views

app_name = "connectors"
urlpatterns = [
    path("tenants/<slug:slug>/connection/", views.ConnectionView.as_view(), name="connection"),
    path("onboarding/", views.OnboardingBoardView.as_view(), name="onboarding"),
    path("onboarding/add/", views.CustomerAddView.as_view(), name="customer-add"),
    path("onboarding/msp-app/", views.MspAppView.as_view(), name="msp-app"),
    path("onboarding/consent/callback/", views.ConsentCallbackView.as_view(),
         name="consent-callback"),
    path("onboarding/tenants/<slug:slug>/", views.TenantOnboardingView.as_view(),
         name="onboarding-tenant"),
]
