from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from readiness.connectors.errors import ConnectorError
from readiness.connectors.forms import ConnectionForm
from readiness.connectors.models import TenantConnection
from readiness.connectors.probe import connection_test
from readiness.connectors.selectors import connection_overview
from readiness.connectors.services import connection_for, connection_save
from readiness.core.forms import SensitivePostMixin, form_errors_add
from readiness.tenancy.audit import request_ip
from readiness.tenancy.mixins import TenantScopedMixin


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
        return ConnectionForm(has_credential=bool(connection and connection.is_configured),
                              **kwargs)

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
