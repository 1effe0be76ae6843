from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin

from readiness.connectors.choices import Consent, Stage
from readiness.connectors.errors import ConnectorError
from readiness.connectors.forms import (
    ConnectionForm,
    CustomerAddForm,
    CustomersUploadForm,
    MspAppForm,
)
from readiness.connectors.models import MspApp, TenantConnection
from readiness.connectors.onboarding import (
    ConsentRefused,
    NewCustomer,
    checklist,
    consent_callback,
    consent_followup,
    consent_link,
    consent_link_renew,
    customer_add,
    customers_add,
    customers_parse,
    msp_app_save,
)
from readiness.connectors.probe import connection_test
from readiness.connectors.selectors import (
    connection_overview,
    onboarding_counts,
    onboarding_rows,
    tenant_onboarding,
)
from readiness.connectors.services import connection_for, connection_save
from readiness.connectors.tables import OnboardingTable
from readiness.core.exports import SafeExportMixin
from readiness.core.forms import SensitivePostMixin, form_errors_add
from readiness.tenancy import scoping
from readiness.tenancy.audit import request_ip
from readiness.tenancy.mixins import MSPAdminRequiredMixin, TenantScopedMixin
from readiness.tenancy.models import Tenant, TenantTag


class ConnectionView(SensitivePostMixin, TenantScopedMixin, TemplateView):
    """Enter or replace the app registration, and test it. Reading needs VIEW; saving
    and testing need MANAGE (TenantScopedMixin.write_capability)."""

    template_name = "connectors/connection.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        overview = connection_overview(tenant=self.tenant)
        context.update(overview)
        context["form"] = form or self._form(initial=self._initial(overview["connection"]))
        return context

    def _form(self, **kwargs) -> ConnectionForm:
        connection = TenantConnection.objects.filter(tenant=self.tenant).first()
        own = connection is not None and not connection.uses_shared_app
        return ConnectionForm(has_credential=bool(own and connection.is_configured), **kwargs)

    @staticmethod
    def _initial(connection) -> dict:
        if connection is None:
            return {}
        return {"directory_id": connection.directory_id, "client_id": connection.client_id,
                "cloud": connection.cloud, "certificate": connection.certificate_pem,
                "thumbprint": connection.certificate_thumbprint}

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "test":
            return self._test()
        form = self._form(data=request.POST)
        if form.is_valid():
            try:
                connection_save(tenant=self.tenant, **form.cleaned_data,
                                actor=request.user, ip=request_ip(request))
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                messages.success(request, _("Connection saved. Test it to check the permissions."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def _test(self):
        try:
            connection = connection_for(tenant=self.tenant)
        except ConnectorError as exc:
            messages.error(self.request, str(exc))
            return redirect(self.request.path)
        result = connection_test(connection=connection)
        missing = [c["label"] for c in result["checks"] if c["status"] != "ok"]
        if missing:
            messages.warning(self.request, _("Connection tested: needs attention: %(checks)s")
                             % {"checks": ", ".join(str(m) for m in missing)})
        else:
            messages.success(self.request, _("Connection tested: everything is in place."))
        return redirect(self.request.path)


# --- MSP onboarding (docs/operations.md, "Connecting Microsoft 365 tenants") ----------


def _callback_url(request) -> str:
    return request.build_absolute_uri(reverse("connectors:consent-callback"))


class MspAppView(SensitivePostMixin, MSPAdminRequiredMixin, TemplateView):
    """Store the MSP's multi-tenant app once (write-only credential)."""

    template_name = "connectors/msp_app.html"

    def get_context_data(self, form=None, **kwargs):
        app = MspApp.current()
        return super().get_context_data(
            app=app, callback_url=_callback_url(self.request),
            form=form or MspAppForm(initial={"client_id": app.client_id,
                                             "certificate": app.certificate_pem,
                                             "thumbprint": app.certificate_thumbprint}),
            **kwargs)

    def post(self, request, *args, **kwargs):
        form = MspAppForm(data=request.POST)
        if form.is_valid():
            try:
                msp_app_save(**form.cleaned_data, actor=request.user)
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                messages.success(request, _("The MSP app is stored."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CustomerAddView(MSPAdminRequiredMixin, TemplateView):
    """Add a customer tenant by domain: directory resolved, waiting for consent."""

    template_name = "connectors/customer_add.html"

    def get_context_data(self, form=None, upload=None, **kwargs):
        return super().get_context_data(
            form=form or CustomerAddForm(), upload=upload or CustomersUploadForm(),
            app=MspApp.current(), **kwargs)

    def post(self, request, *args, **kwargs):
        if not MspApp.current().is_configured:
            messages.error(request, _("Store the MSP's app first."))
            return redirect("connectors:msp-app")
        if "file" in request.FILES:
            return self._bulk()
        form = CustomerAddForm(data=request.POST)
        if form.is_valid():
            try:
                tenant = customer_add(customer=NewCustomer(**form.cleaned_data),
                                      actor=request.user)
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                if tenant.report_only:
                    messages.success(request, _("%(tenant)s added as report-only: import its "
                                                "SMTP AUTH reports.") % {"tenant": tenant.name})
                    return redirect("imports:list", slug=tenant.slug)
                messages.success(request, _("%(tenant)s added: send the consent link to the "
                                            "customer's Global Administrator.")
                                 % {"tenant": tenant.name})
                return redirect("connectors:onboarding-tenant", slug=tenant.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def _bulk(self):
        upload = CustomersUploadForm(data=self.request.POST, files=self.request.FILES)
        if upload.is_valid():
            try:
                text = upload.cleaned_data["file"].read(2 * 1024 * 1024).decode("utf-8-sig")
                tenants = customers_add(customers=customers_parse(text=text),
                                        actor=self.request.user)
            except UnicodeDecodeError:
                upload.add_error("file", "The file is not UTF-8 text.")
            except ValidationError as exc:
                for message in exc.messages:
                    upload.add_error("file", message)
            else:
                messages.success(self.request, ngettext(
                    "%(count)d tenant added, waiting for consent.",
                    "%(count)d tenants added, waiting for consent.", len(tenants))
                    % {"count": len(tenants)})
                return redirect(reverse("connectors:onboarding") + "?stage=waiting")
        return self.render_to_response(self.get_context_data(upload=upload), status=400)


class OnboardingBoardView(MSPAdminRequiredMixin, SafeExportMixin, SingleTableMixin,
                          TemplateView):
    """Every tenant's onboarding stage: counts, search, stage and tag filters, sort, CSV."""

    template_name = "connectors/onboarding_board.html"
    table_class = OnboardingTable
    table_pagination = {"per_page": 100}
    export_name = "onboarding"

    def filters(self) -> dict:
        params = self.request.GET
        return {"stage": params.get("stage", "") if params.get("stage") in Stage.values
                else "", "tag": params.get("tag", "")[:40], "q": params.get("q", "")[:100]}

    def every_row(self) -> list[dict]:
        if not hasattr(self, "_every"):
            chosen = self.filters()
            self._every = onboarding_rows(tag=chosen["tag"], query=chosen["q"])
        return self._every

    def get_table_data(self):
        stage = self.filters()["stage"]
        return [r for r in self.every_row() if not stage or r["stage"] == stage]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            counts=onboarding_counts(self.every_row()), stages=Stage.choices, **self.filters(),
            tags=TenantTag.objects.values_list("name", flat=True), **kwargs)


class TenantOnboardingView(MSPAdminRequiredMixin, TemplateView):
    """One tenant's onboarding: stage, consent link, checklist; check again, resend."""

    template_name = "connectors/onboarding_tenant.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scoping.is_msp_admin(request.user):
            self.tenant = get_object_or_404(Tenant, slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(tenant=self.tenant, **kwargs)
        context.update(tenant_onboarding(tenant=self.tenant))
        connection = context["connection"]
        context["consent_link"] = consent_link(
            connection=connection, redirect_uri=_callback_url(self.request)) if (
            connection and connection.consent != Consent.GRANTED) else ""
        context["checklist"] = checklist(connection=connection) if connection else []
        context["fresh_link"] = consent_link(
            connection=connection, redirect_uri=_callback_url(self.request)) if (
            connection and connection.consent_nonce) else ""
        return context

    def post(self, request, *args, **kwargs):
        connection = get_object_or_404(TenantConnection, tenant=self.tenant)
        action = request.POST.get("action")
        if action == "resend":
            consent_link_renew(connection=connection, actor=request.user)
            messages.success(request, _("A new consent link is ready; the previous one no "
                                        "longer works."))
        elif action == "check" and connection.is_configured:
            consent_followup(tenant=self.tenant)
            messages.info(request, _("Checked again."))
        return redirect(request.path)


class ConsentCallbackView(View):
    """Where Microsoft sends the customer's Global Administrator after admin consent.
    Anyone may arrive here (they are the customer's admin, not our user): the signed,
    single-use `state` is the only authority, and a stranger learns nothing."""

    def get(self, request, *args, **kwargs):
        try:
            outcome = consent_callback(params=request.GET.dict())
        except ConsentRefused as exc:
            return render(request, "connectors/consent_result.html",
                          {"refused": str(exc)}, status=400)
        if outcome.granted:
            consent_followup(tenant=outcome.tenant)
        if scoping.is_msp_admin(request.user):
            return redirect("connectors:onboarding-tenant", slug=outcome.tenant.slug)
        return render(request, "connectors/consent_result.html",
                      {"granted": outcome.granted, "message": outcome.message})
