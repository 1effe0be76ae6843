"""Base view mixins: every tenant page resolves its tenant here, before any handler."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from readiness.tenancy import scoping
from readiness.tenancy.choices import Capability


class TenantScopedMixin(LoginRequiredMixin):
    """Resolves `self.tenant` from the `slug` URL kwarg and narrows `get_queryset()`.

    `capability` is what GET needs; `write_capability` is what POST/PUT/DELETE need.
    A tenant the user cannot see is a 404; a visible tenant without the capability is
    a 403 (the user already knows the tenant exists).
    """

    capability: str = Capability.VIEW
    write_capability: str = Capability.MANAGE
    tenant_url_kwarg = "slug"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.tenant = scoping.tenant_for_user_or_404(request.user, kwargs[self.tenant_url_kwarg])
        needed = self.capability if request.method in ("GET", "HEAD", "OPTIONS") else (
            self.write_capability
        )
        self.capabilities = scoping.capabilities(request.user, self.tenant)
        if needed not in self.capabilities:
            raise PermissionDenied("Your role does not allow this.")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().for_tenant(self.tenant)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tenant"] = self.tenant
        context["can"] = {cap: cap in self.capabilities for cap in Capability.values}
        return context


class PortfolioMixin(LoginRequiredMixin):
    """Cross-tenant pages: the queryset is narrowed to the user's visible tenants."""

    def get_queryset(self):
        return scoping.scope(super().get_queryset(), self.request.user)
