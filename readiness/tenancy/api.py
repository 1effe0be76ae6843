"""The DRF side of tenant isolation: API views narrow through the same scoping.

Usage in an app's api/views.py::

    class SenderViewSet(TenantScopedAPIMixin, viewsets.ModelViewSet):
        queryset = Sender.objects.all()
        capability = Capability.VIEW          # GET/HEAD/OPTIONS
        write_capability = Capability.WORK    # POST/PUT/PATCH/DELETE (None = read-only)

URL: ``tenants/<slug:slug>/senders/``. Anonymous is a 401/403 (DRF), a tenant the
user cannot see is a 404, a visible tenant without the capability is a 403.
"""

from __future__ import annotations

from rest_framework.exceptions import MethodNotAllowed
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated

from readiness.tenancy import scoping
from readiness.tenancy.choices import Capability


class TenantScopedAPIMixin:
    capability: str = Capability.VIEW
    write_capability: str | None = Capability.MANAGE
    tenant_url_kwarg = "slug"
    permission_classes = [IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        # Authentication and IsAuthenticated run first, so anonymous never reaches
        # the tenant lookup and learns nothing about which slugs exist.
        super().initial(request, *args, **kwargs)
        self.tenant = scoping.tenant_for_user_or_404(request.user, kwargs[self.tenant_url_kwarg])
        self.capabilities = scoping.capabilities(request.user, self.tenant)
        needed = self.capability if request.method in SAFE_METHODS else self.write_capability
        if needed is None:
            raise MethodNotAllowed(request.method)
        if needed not in self.capabilities:
            self.permission_denied(request, message="Your role does not allow this.")

    def get_queryset(self):
        return super().get_queryset().for_tenant(self.tenant)


class ReadOnlyTenantAPIMixin(TenantScopedAPIMixin):
    """`self.tenant` resolved through scoping (404 when invisible); reads only."""

    write_capability = None
