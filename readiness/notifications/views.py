"""Webhook management per tenant (MANAGE): list + create, and the delivery log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from readiness.core.exports import SafeExportMixin
from readiness.notifications import services
from readiness.notifications.filtersets import WebhookDeliveryFilterSet, WebhookFilterSet
from readiness.notifications.forms import WebhookForm
from readiness.notifications.models import Webhook, WebhookDelivery
from readiness.notifications.tables import WebhookDeliveryTable, WebhookTable
from readiness.tenancy.audit import request_ip
from readiness.tenancy.choices import Capability
from readiness.tenancy.mixins import TenantScopedMixin


class WebhookListView(TenantScopedMixin, SafeExportMixin, SingleTableMixin, FilterView):
    capability = Capability.MANAGE
    model = Webhook
    table_class = WebhookTable
    filterset_class = WebhookFilterSet
    template_name = "notifications/webhooks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", WebhookForm())
        return context

    def post(self, request, *args, **kwargs):
        form = WebhookForm(request.POST)
        if not form.is_valid():
            return self._render(form=form, status=400)
        data = form.cleaned_data
        try:
            webhook, secret = services.webhook_create(
                tenant=self.tenant, name=data["name"], url=data["url"], events=data["events"],
                secret=data["secret"], actor=request.user, ip=request_ip(request))
        except ValidationError as exc:  # e.g. the name now resolves elsewhere
            form.add_error(None, exc)
            return self._render(form=form, status=400)
        if data["secret"]:
            messages.success(request, _("Webhook “%(name)s” created.") % {"name": webhook.name})
            return redirect("notifications:webhooks", self.tenant.slug)
        # A generated secret is shown in this response only: never in a message cookie,
        # a redirect URL or the audit log.
        return self._render(form=WebhookForm(), created=webhook, created_secret=secret,
                            status=201)

    def _render(self, *, status: int, **extra):
        self.filterset = self.get_filterset(self.get_filterset_class())
        self.object_list = self.filterset.qs
        response = self.render_to_response(self.get_context_data(**extra))
        response.status_code = status
        return response


class WebhookDeliveryListView(TenantScopedMixin, SafeExportMixin, SingleTableMixin, FilterView):
    capability = Capability.MANAGE
    model = WebhookDelivery
    table_class = WebhookDeliveryTable
    filterset_class = WebhookDeliveryFilterSet
    template_name = "notifications/deliveries.html"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().select_related("webhook")
