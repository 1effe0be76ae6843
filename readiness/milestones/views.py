"""Milestone pages: the list (everyone), Microsoft's milestones (MSP admins), and a
tenant's own target dates (tenant managers). Every write is audited by the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from readiness.core.exports import SafeExportMixin
from readiness.milestones import services
from readiness.milestones.filtersets import MilestoneFilterSet
from readiness.milestones.forms import MilestoneForm, TenantTargetForm
from readiness.milestones.models import Milestone
from readiness.milestones.tables import MilestoneTable
from readiness.tenancy import scoping
from readiness.tenancy.audit import request_ip
from readiness.tenancy.mixins import MSPAdminRequiredMixin, TenantScopedMixin


class MilestoneListView(LoginRequiredMixin, SafeExportMixin, SingleTableMixin, FilterView):
    """Microsoft's milestones plus the internal targets of the tenants the user sees."""

    template_name = "milestones/list.html"
    table_class = MilestoneTable
    filterset_class = MilestoneFilterSet
    export_name = "milestones"

    def get_queryset(self):
        tenants = scoping.visible_tenants(self.request.user)
        return (Milestone.objects.filter(Q(tenant__isnull=True) | Q(tenant__in=tenants))
                .select_related("tenant").order_by("date", "key"))


class MilestoneEditView(MSPAdminRequiredMixin, FormView):
    """Add (no pk) or edit (pk) one of Microsoft's milestones."""

    template_name = "milestones/form.html"
    form_class = MilestoneForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        pk = self.kwargs.get("pk")
        kwargs["instance"] = (get_object_or_404(Milestone, pk=pk, tenant__isnull=True)
                              if pk else Milestone(tenant=None))
        return kwargs

    def form_valid(self, form):
        services.milestone_save(actor=self.request.user, milestone=form.save(commit=False),
                                ip=request_ip(self.request))
        messages.success(self.request, _("Milestone saved."))
        return redirect("milestones:list")


class MilestoneRetireView(MSPAdminRequiredMixin, View):
    def post(self, request, pk):
        milestone = get_object_or_404(Milestone, pk=pk, tenant__isnull=True)
        services.milestone_retire(actor=request.user, milestone=milestone, ip=request_ip(request))
        messages.success(request, _("Marked as cancelled: %(title)s") % {"title": milestone.title})
        return redirect("milestones:list")


class TenantTargetView(TenantScopedMixin, FormView):
    """A tenant's own target dates; viewers see them, managers add and retire them."""

    template_name = "milestones/tenant.html"
    form_class = TenantTargetForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["targets"] = Milestone.objects.filter(tenant=self.tenant).order_by("date")
        context["microsoft"] = Milestone.objects.for_tenant(None).upcoming(
            timezone.now().date()).order_by("date")[:5]
        return context

    def form_valid(self, form):
        services.milestone_save(actor=self.request.user, milestone=form.build(tenant=self.tenant),
                                ip=request_ip(self.request))
        messages.success(self.request,
                         _("Target date added; it now shows on this tenant's charts."))
        return redirect("milestones:tenant", slug=self.tenant.slug)


class TenantTargetRetireView(TenantScopedMixin, View):
    def post(self, request, slug, pk):
        # filter(tenant=...), not for_tenant(): that would include Microsoft's milestones.
        milestone = get_object_or_404(Milestone.objects.filter(tenant=self.tenant), pk=pk)
        services.milestone_retire(actor=request.user, milestone=milestone, ip=request_ip(request))
        messages.success(request, _("Target cancelled: %(title)s") % {"title": milestone.title})
        return redirect("milestones:tenant", slug=self.tenant.slug)
