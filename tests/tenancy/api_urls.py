"""A test-only urlconf: one API view built on TenantScopedAPIMixin."""

from django.urls import path
from rest_framework import generics, serializers
from rest_framework.response import Response

from readiness.senders.models import Sender
from readiness.tenancy.api import TenantScopedAPIMixin
from readiness.tenancy.choices import Capability


class SenderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sender
        fields = ["address"]


class SenderList(TenantScopedAPIMixin, generics.ListAPIView):
    queryset = Sender.objects.all()
    serializer_class = SenderSerializer
    write_capability = Capability.WORK

    def post(self, request, slug):
        return Response({"tenant": self.tenant.slug}, status=201)


urlpatterns = [path("api/tenants/<slug:slug>/senders/", SenderList.as_view())]
