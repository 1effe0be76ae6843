"""Thin adapters: resolve the tenant (TenantScopedMixin), validate a form, call a service."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from readiness.core.exports import SafeExportMixin
from readiness.core.forms import form_errors_add
from readiness.core.redirects import safe_next
from readiness.core.tables import PagedByKeys
from readiness.senders import selectors, services, whatif
from readiness.senders.choices import SenderStatus
from readiness.senders.filtersets import (
    DeviceModelFilterSet,
    SenderFilterSet,
    TicketQueueFilterSet,
)
from readiness.senders.forms import (
    BulkForm,
    CommentForm,
    OwnershipForm,
    TicketForm,
    TrackExceptionsForm,
    TransitionForm,
)
from readiness.senders.models import DeviceModel, Sender, Ticket
from readiness.senders.tables import (
    PRIORITY_RANK,
    SENDER_OPTIONAL_COLUMNS,
    DeviceModelTable,
    SenderTable,
    TeamTicketTable,
    TicketTable,
)
from readiness.tenancy.audit import request_ip
from readiness.tenancy.choices import Capability
from readiness.tenancy.mixins import TenantScopedMixin
from readiness.usage import charts as usage_charts
from readiness.usage.charts import TIMELINE_DAYS
from readiness.usage.selectors import figures_known, tenant_day_sources


def sender_detail_url(tenant, sender) -> str:
    """The one sender page (usage, mailbox, workflow panel)."""
    return reverse("senders:sender", args=[tenant.slug, sender.pk])


def _safe_next(request, fallback: str) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next") or "",
                     fallback)


class SenderMixin(TenantScopedMixin):
    capability = Capability.VIEW
    write_capability = Capability.WORK

    def get_sender(self) -> Sender:
        return get_object_or_404(Sender.objects.for_tenant(self.tenant), pk=self.kwargs["pk"])


class SenderListView(TenantScopedMixin, SafeExportMixin, SingleTableMixin, FilterView):
    """The sender table: search, filters, column chooser, bulk selection and export."""

    template_name = "dashboards/senders.html"
    table_class = SenderTable
    filterset_class = SenderFilterSet
    table_pagination = {"per_page": 50}
    export_name = "senders"

    def get_queryset(self):
        return selectors.sender_queryset(tenant=self.tenant)

    def get_table_data(self):
        # Deep pages of 50,000 senders: page the ids, then read 50 rows (PagedByKeys).
        return PagedByKeys(super().get_table_data())

    def chosen_columns(self) -> list[str]:
        chosen = [c for c in self.request.GET.getlist("columns") if c in SENDER_OPTIONAL_COLUMNS]
        return chosen or SENDER_OPTIONAL_COLUMNS

    def get_table_kwargs(self):
        hidden = [c for c in SENDER_OPTIONAL_COLUMNS if c not in self.chosen_columns()]
        return {"tenant": self.tenant, "exclude": hidden}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chosen = self.chosen_columns()
        context["column_choices"] = [
            (name, str(SenderTable.base_columns[name].header), name in chosen)
            for name in SENDER_OPTIONAL_COLUMNS]
        return context


class SenderDetailView(TenantScopedMixin, TemplateView):
    """One sender: usage history, IPs and TLS, its mailbox's state, the workflow panel."""

    template_name = "dashboards/sender.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sender = selectors.sender_for_tenant_or_404(tenant=self.tenant, pk=self.kwargs["pk"])
        end = timezone.now().date()
        start = end - timedelta(days=TIMELINE_DAYS - 1)
        rows = selectors.sender_daily_rows(tenant=self.tenant, sender=sender,
                                           start=start, end=end)
        # The tenant's coverage: a day nobody covered is a gap, not a zero, here too.
        coverage = tenant_day_sources(tenant=self.tenant, start=start, end=end)
        day_rows = usage_charts.sender_day_rows(rows, coverage, start, end)
        context.update(sender=sender, usage_rows=day_rows,
                       usage=usage_charts.sender_usage_figure(day_rows),
                       observations=selectors.sender_observations(tenant=self.tenant,
                                                                  sender=sender),
                       proof=selectors.sender_evidence_panel(tenant=self.tenant, sender=sender))
        return context


class SenderWorkflowView(SenderMixin, View):
    """The old standalone workflow page: the one sender page embeds the panel."""

    def get(self, request, *args, **kwargs):
        sender = self.get_sender()  # another tenant's sender stays a 404
        return redirect(sender_detail_url(self.tenant, sender), permanent=True)


class SenderOwnershipView(SenderMixin, FormView):
    capability = Capability.WORK
    template_name = "senders/ownership_form.html"
    form_class = OwnershipForm

    @cached_property
    def sender(self) -> Sender:
        return self.get_sender()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.sender, "tenant": self.tenant}

    def get_context_data(self, **kwargs):
        return super().get_context_data(sender=self.sender, **kwargs)

    def form_valid(self, form):
        fresh = self.get_sender()  # the form mutated self.sender while validating
        try:
            services.sender_update_ownership(
                tenant=self.tenant, sender=fresh, changes=form.changes(),
                actor=self.request.user, ip=request_ip(self.request))
        except ValidationError as exc:
            form_errors_add(form, exc)
            return self.form_invalid(form)
        messages.success(self.request,
                         _("Ownership of %(address)s saved.") % {"address": fresh.address})
        return redirect(_safe_next(self.request, sender_detail_url(self.tenant, fresh)))


class SenderTransitionView(SenderMixin, View):
    def post(self, request, *args, **kwargs):
        sender = self.get_sender()
        form = TransitionForm(request.POST, status=sender.status)
        back = redirect(_safe_next(request, sender_detail_url(self.tenant, sender)))
        if not form.is_valid():
            messages.error(request, _("Choose an allowed status."))
            return back
        terms = None
        if form.cleaned_data["to_status"] == SenderStatus.EXCEPTION:
            if Capability.MANAGE not in self.capabilities:
                raise PermissionDenied(_("Only a manager can approve an exception."))
            terms = services.ExceptionTerms(
                approver=request.user, reason=form.cleaned_data["exception_reason"],
                expires_on=form.cleaned_data["exception_expires_on"])
        try:
            services.sender_transition(
                tenant=self.tenant, sender=sender, to_status=form.cleaned_data["to_status"],
                actor=request.user, comment=form.cleaned_data["comment"], exception=terms,
                ip=request_ip(request))
        except services.TransitionRefused as exc:
            messages.error(request, exc.reason)
        else:
            messages.success(request, _("%(address)s is now %(status)s.")
                             % {"address": sender.address, "status": sender.get_status_display()})
        return back


class SenderBulkView(TenantScopedMixin, View):
    """POST /tenants/<slug>/senders/bulk/: one action over the checked senders."""

    capability = Capability.WORK
    write_capability = Capability.WORK

    def post(self, request, *args, **kwargs):
        back = redirect(_safe_next(request, reverse("senders:senders",
                                                    args=[self.tenant.slug])))
        form = BulkForm(request.POST, tenant=self.tenant)
        if not form.is_valid():
            problems = "; ".join(
                f"{form.fields[k].label if k in form.fields else k}: {' '.join(v)}"
                for k, v in form.errors.items())
            messages.error(request, _("Bulk action not applied: %(problems)s")
                           % {"problems": problems})
            return back
        data = {**form.cleaned_data}
        data["title"] = data["title"] or data["comment"]
        try:
            result = services.senders_bulk_apply(
                tenant=self.tenant, action=data["action"],
                sender_ids=request.POST.getlist("sender_ids"), params=data,
                actor=request.user, ip=request_ip(request))
        except (services.BulkRefused, ValidationError) as exc:
            messages.error(request, _("Bulk action not applied: %(problems)s")
                           % {"problems": _text(exc)})
            return back
        if "ticket" in result:
            # Creating a ticket is about the ticket: say which, and open it.
            ticket = result["ticket"]
            messages.success(request, _("Ticket #%(id)d created: %(title)s") % {
                "id": ticket.pk, "title": ticket.title})
            return redirect(ticket.get_absolute_url())
        messages.success(request, ngettext("%(n)d sender updated.", "%(n)d senders updated.",
                                           result["changed"]) % {"n": result["changed"]})
        return back


def _text(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


class TicketQueueMixin(SafeExportMixin, SingleTableMixin, FilterView):
    filterset_class = TicketQueueFilterSet
    paginate_by = 50
    template_name = "senders/tickets.html"

    def annotate(self, queryset):
        return queryset.annotate(priority_rank=PRIORITY_RANK)


class TeamTicketListView(TenantScopedMixin, TicketQueueMixin):
    """The team queue: every ticket of one tenant."""

    table_class = TeamTicketTable
    model = Ticket

    def get_queryset(self):
        return self.annotate(selectors.ticket_queryset(tenant=self.tenant))

    def get_context_data(self, **kwargs):
        heading = _("Tickets · %(tenant)s") % {"tenant": self.tenant.name}
        return super().get_context_data(heading=heading, **kwargs)


class MyTicketListView(LoginRequiredMixin, TicketQueueMixin):
    """My queue: my tickets across every tenant I may see; overdue ones highlighted."""

    table_class = TicketTable
    model = Ticket

    def get_queryset(self):
        return self.annotate(selectors.my_ticket_queryset(user=self.request.user))

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("My tickets"), **kwargs)


class TicketDetailView(TenantScopedMixin, TemplateView):
    """GET shows the ticket; POST saves the edit form under optimistic concurrency."""

    template_name = "senders/ticket_detail.html"
    write_capability = Capability.WORK

    def get_ticket(self) -> Ticket:
        return get_object_or_404(
            Ticket.objects.for_tenant(self.tenant).select_related(
                "tenant", "assignee", "updated_by", "created_by"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ticket = kwargs.pop("ticket", None) or self.get_ticket()
        context = super().get_context_data(**kwargs)
        context.update(
            ticket=ticket,
            form=kwargs.get("form") or TicketForm(instance=ticket, tenant=self.tenant),
            comment_form=CommentForm(),
            senders=ticket.senders.order_by("address"),
            comments=ticket.comments.select_related("author"),
            history=selectors.ticket_history(ticket=ticket),
        )
        return context

    def post(self, request, *args, **kwargs):
        ticket = self.get_ticket()
        form = TicketForm(request.POST, instance=ticket, tenant=self.tenant)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(ticket=ticket, form=form))
        try:
            services.ticket_update(
                tenant=self.tenant, ticket=ticket,
                expected_version=form.cleaned_data["version"], changes=form.changes(),
                actor=request.user, ip=request_ip(request))
        except services.TicketConflict as conflict:
            # Re-show the form with the CURRENT values; the user's edit is not applied.
            fresh = TicketForm(instance=conflict.current, tenant=self.tenant)
            messages.error(request, str(conflict))
            return self.render_to_response(self.get_context_data(
                ticket=conflict.current, form=fresh), status=409)
        except ValidationError as exc:
            form_errors_add(form, exc)
            return self.render_to_response(self.get_context_data(ticket=ticket, form=form))
        messages.success(request, _("Ticket saved."))
        return redirect(ticket.get_absolute_url())


class TicketCommentView(TenantScopedMixin, View):
    capability = Capability.WORK
    write_capability = Capability.WORK

    def post(self, request, *args, **kwargs):
        ticket = get_object_or_404(Ticket.objects.for_tenant(self.tenant).select_related(
            "tenant"), pk=kwargs["pk"])
        form = CommentForm(request.POST)
        if form.is_valid():
            services.ticket_comment(tenant=self.tenant, ticket=ticket,
                                    body=form.cleaned_data["body"], actor=request.user,
                                    ip=request_ip(request))
            messages.success(request, _("Comment added."))
        else:
            messages.error(request, _("A comment cannot be empty."))
        return redirect(ticket.get_absolute_url())


class WhatIfView(TenantScopedMixin, TemplateView):
    """GET: the two scenarios. POST (MANAGE): track the breaking senders as exceptions."""

    template_name = "senders/what_if.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plans"] = whatif.what_if_plans(tenant=self.tenant)
        today = timezone.now().date()
        context["known"] = figures_known(tenant=self.tenant, start=today - timedelta(days=29),
                                         end=today)
        context["track_form"] = kwargs.get("track_form") or TrackExceptionsForm(
            scenarios=whatif.SCENARIOS,
            initial={"expires_on": services.ticket_default_due(tenant=self.tenant)})
        return context

    def post(self, request, *args, **kwargs):
        form = TrackExceptionsForm(request.POST, scenarios=whatif.SCENARIOS)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(track_form=form))
        tracked = services.what_if_exceptions_track(
            tenant=self.tenant, scenario=form.cleaned_data["scenario"], actor=request.user,
            expires_on=form.cleaned_data["expires_on"], ip=request_ip(request))
        messages.success(request, ngettext(
            "%(count)d exception tracked until %(date)s.",
            "%(count)d exceptions tracked until %(date)s.", len(tracked))
            % {"count": len(tracked), "date": date_format(form.cleaned_data["expires_on"])})
        return redirect("senders:what_if", self.tenant.slug)




class DeviceCatalogueView(LoginRequiredMixin, SafeExportMixin, SingleTableMixin, FilterView):
    """The shared device catalogue, read-only for every signed-in user (MSP admins edit
    it in the admin): which devices do OAuth, per the vendor's own statement."""

    template_name = "senders/devices.html"
    table_class = DeviceModelTable
    filterset_class = DeviceModelFilterSet
    table_pagination = {"per_page": 100}
    export_name = "device-catalogue"

    def get_queryset(self):
        return DeviceModel.objects.order_by("is_generic", "vendor", "model")
