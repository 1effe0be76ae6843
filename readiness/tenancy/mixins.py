"""Base view mixins: every tenant page resolves its tenant here, before any handler."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from readiness.tenancy import scoping
from readiness.tenancy.choices import Capability

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class TenantScopedMixin(LoginRequiredMixin):
    """Resolves `self.tenant` from the `slug` URL kwarg and narrows `get_queryset()`.

    `capability` is what GET needs; `write_capability` is what POST/PUT/DELETE need.
    A tenant the user cannot see is a 404; a visible tenant without the capability is
    a 403 (the user already knows the tenant exists). Set `write_capability = None`
    on a read-only page: then every write is refused before any handler runs.
    """

    capability: str = Capability.VIEW
    write_capability: str | None = Capability.MANAGE
    tenant_url_kwarg = "slug"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.tenant = scoping.tenant_for_user_or_404(request.user, kwargs[self.tenant_url_kwarg])
        self.capabilities = scoping.capabilities(request.user, self.tenant)
        needed = self.capability if request.method in SAFE_METHODS else self.write_capability
        if needed is None:
            return self.http_method_not_allowed(request, *args, **kwargs)
        if needed not in self.capabilities:
            raise PermissionDenied(_("Your role does not allow this."))
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().for_tenant(self.tenant)

    def tenant_object_or_404(self, queryset, **lookup):
        """An object of this tenant; another tenant's object is a 404."""
        obj = queryset.for_tenant(self.tenant).filter(**lookup).first()
        if obj is None:
            raise Http404("No such object in this tenant")
        return obj

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tenant"] = self.tenant
        context["can"] = {cap: cap in self.capabilities for cap in Capability.values}
        return context


class MSPAdminRequiredMixin(LoginRequiredMixin):
    """Pages for MSP admins only (all tenants at once); anyone else gets a 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not scoping.is_msp_admin(request.user):
            raise PermissionDenied(_("Only MSP administrators may open this page."))
        return super().dispatch(request, *args, **kwargs)
