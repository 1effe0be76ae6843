"""Membership management, the audit log pages and "sign out everywhere"."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from readiness.core.exports import SafeExportMixin
from readiness.core.redirects import safe_next
from readiness.tenancy import entra, language, scoping, selectors, services
from readiness.tenancy.audit import request_ip
from readiness.tenancy.choices import Capability
from readiness.tenancy.filtersets import AuditEventFilterSet, MembershipFilterSet
from readiness.tenancy.forms import (
    InvitationSignUpForm,
    MemberInviteForm,
    MembershipAddForm,
    MembershipRoleForm,
)
from readiness.tenancy.mixins import MSPAdminRequiredMixin, TenantScopedMixin
from readiness.tenancy.models import AuditEvent, Membership, TenantDomain
from readiness.tenancy.sessions import sessions_end_all
from readiness.tenancy.tables import AuditEventTable, MembershipTable

ENTRA_FLOW_KEY = "entra_flow"
ENTRA_NEXT_KEY = "entra_next"


class MemberListView(TenantScopedMixin, SafeExportMixin, SingleTableMixin, FilterView):
    capability = Capability.MANAGE
    write_capability = None
    template_name = "tenancy/members.html"
    model = Membership
    table_class = MembershipTable
    filterset_class = MembershipFilterSet
    paginate_by = 50

    def get_queryset(self):
        return selectors.membership_queryset(tenant=self.tenant)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["add_form"] = member_add_form(self.request, self.tenant)
        context["invitations"] = selectors.invitation_queryset(tenant=self.tenant)
        return context


class _MemberWriteMixin(TenantScopedMixin):
    """Shared by add/change/remove: MANAGE to open and to post, back to the list."""

    capability = Capability.MANAGE
    write_capability = Capability.MANAGE

    @cached_property
    def membership(self) -> Membership:
        """The membership named by the `pk` kwarg, only within this tenant (else 404)."""
        return self.tenant_object_or_404(Membership.objects.select_related("user"),
                                         pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        if "pk" in self.kwargs:
            kwargs["membership"] = self.membership
        return super().get_context_data(**kwargs)

    def members_url(self):
        return reverse("tenancy:members", args=[self.tenant.slug])

    def apply(self, call, success: str):
        try:
            call()
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
        else:
            messages.success(self.request, success)
        return redirect(self.members_url())


def member_add_form_class(user):
    # Only MSP admins search the whole directory; managers invite (docs/security.md).
    return MembershipAddForm if scoping.is_msp_admin(user) else MemberInviteForm


def member_add_form(request, tenant, data=None):
    form_class = member_add_form_class(request.user)
    if form_class is MembershipAddForm:
        return form_class(data)
    return form_class(data, known_users=selectors.known_users(tenant=tenant, user=request.user))


class MemberAddView(_MemberWriteMixin, FormView):
    template_name = "tenancy/member_form.html"

    def get_form(self, form_class=None):
        data = self.request.POST if self.request.method == "POST" else None
        return member_add_form(self.request, self.tenant, data)

    def form_valid(self, form):
        data = form.cleaned_data
        role = data["role"]
        user = data.get("user") or data.get("known_user")
        if user is not None:
            return self.apply(lambda: services.membership_grant(
                tenant=self.tenant, user=user, role=role, actor=self.request.user,
                ip=request_ip(self.request)), f"{user.get_username()} is now {role}.")
        email = data["email"]
        # The same message whether or not the address has an account.
        return self.apply(lambda: services.invitation_send(
            tenant=self.tenant, email=email, role=role, actor=self.request.user,
            accept_url=self.accept_url, ip=request_ip(self.request)),
            f"An invitation to join as {role} was sent to {email.lower()}.")

    def accept_url(self, token: str) -> str:
        return self.request.build_absolute_uri(reverse("tenancy:invitation", args=[token]))


class MemberChangeView(_MemberWriteMixin, FormView):
    template_name = "tenancy/member_form.html"
    form_class = MembershipRoleForm

    def get_initial(self):
        return {"role": self.membership.role}

    def form_valid(self, form):
        member = self.membership
        role = form.cleaned_data["role"]
        return self.apply(lambda: services.membership_grant(
            tenant=self.tenant, user=member.user, role=role, actor=self.request.user,
            ip=request_ip(self.request)), f"{member.user.get_username()} is now {role}.")


class MemberRemoveView(_MemberWriteMixin, TemplateView):
    template_name = "tenancy/member_remove.html"

    def post(self, request, *args, **kwargs):
        if request.POST.get("confirm") != "yes":  # like the admin: no confirmation, no change
            return self.render_to_response(self.get_context_data())
        member = self.membership
        return self.apply(lambda: services.membership_revoke(
            tenant=self.tenant, user=member.user, actor=request.user, ip=request_ip(request)),
            f"{member.user.get_username()} no longer has access.")


class InvitationView(View):
    """The e-mailed link: sign in (or create an account) and join the tenant.

    An unknown, used or expired link is a 404. Holding the link is the proof: it was
    sent to the invited mailbox only."""

    template_name = "tenancy/invitation.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = services.invitation_for_token(kwargs["token"])
        if self.invitation is None:
            raise Http404("No such invitation")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, token):
        return self.render(InvitationSignUpForm())

    def post(self, request, token):
        form = None
        if not request.user.is_authenticated:
            form = InvitationSignUpForm(request.POST)
            if not form.is_valid():
                return self.render(form, status=400)
            try:
                user = services.user_create(
                    username=form.cleaned_data["username"], email=self.invitation.email,
                    password=form.cleaned_data["password1"], actor=None,
                    ip=request_ip(request))
            except ValidationError as exc:
                form.add_error(None, exc)
                return self.render(form, status=400)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        try:
            services.invitation_accept(invitation=self.invitation, user=request.user,
                                       ip=request_ip(request))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(settings.LOGIN_REDIRECT_URL)
        messages.success(request,
                         _("You joined %(tenant)s.") % {"tenant": self.invitation.tenant.name})
        return redirect(settings.LOGIN_REDIRECT_URL)

    def render(self, form, status=200):
        return render(self.request, self.template_name,
                      {"invitation": self.invitation, "form": form}, status=status)


class TenantAuditView(TenantScopedMixin, SafeExportMixin, SingleTableMixin, FilterView):
    capability = Capability.MANAGE
    write_capability = None
    template_name = "tenancy/audit.html"
    model = AuditEvent
    table_class = AuditEventTable
    filterset_class = AuditEventFilterSet
    paginate_by = 100

    def get_queryset(self):
        return selectors.audit_queryset(tenant=self.tenant, user=self.request.user)

    def get_table_kwargs(self):
        return {"exclude": ("tenant",)}  # a tenant's own log: the tenant on every row is noise


class GlobalAuditView(MSPAdminRequiredMixin, SafeExportMixin, SingleTableMixin, FilterView):
    template_name = "tenancy/audit.html"
    model = AuditEvent
    table_class = AuditEventTable
    filterset_class = AuditEventFilterSet
    paginate_by = 100
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return selectors.audit_queryset(tenant=None, user=self.request.user)


class AccountView(LoginRequiredMixin, TemplateView):
    """The user's own settings: language (added with the Czech UI) and ending every
    session — kept away from the everyday "Sign out" button."""

    template_name = "tenancy/account.html"


class SignOutEverywhereView(LoginRequiredMixin, View):
    """POST only: ends every session of the user, on every device, then this one."""

    http_method_names = ["post"]

    def post(self, request):
        sessions_end_all(user=request.user)
        logout(request)
        messages.info(request, _("You have been signed out on every device."))
        return redirect("login")


class LanguageSwitchView(View):
    """POST only: the navbar's and the account page's language switch. Remembered on
    the user (every device, every later sign-in), in the session and in the cookie
    (the sign-in page before anyone is known)."""

    http_method_names = ["post"]

    def post(self, request):
        back = safe_next(request, request.POST.get("next", ""), fallback="/")
        chosen = language.supported(request.POST.get("language", ""))
        if chosen is None:
            messages.error(request, _("That language is not available."))
            return redirect(back)
        if request.user.is_authenticated:
            language.user_language_set(user=request.user, language=chosen)
            request.session[language.SESSION_KEY] = chosen
        response = redirect(back)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen,
                            max_age=settings.LANGUAGE_COOKIE_AGE,
                            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                            secure=settings.SESSION_COOKIE_SECURE, httponly=True)
        return response


class SignInView(auth_views.LoginView):
    """Django's login page, plus the Microsoft button when Entra is configured."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(entra_enabled=entra.is_configured(), **kwargs)


class EntraLoginView(View):
    """Starts the Microsoft sign-in: keeps the flow in the session, redirects away."""

    def get(self, request):
        if not entra.is_configured():
            raise Http404("Sign in with Microsoft is not configured")
        flow = entra.flow_start(redirect_uri=request.build_absolute_uri(reverse("entra-callback")))
        request.session[ENTRA_FLOW_KEY] = flow
        request.session[ENTRA_NEXT_KEY] = safe_next(request, request.GET.get("next", ""))
        return redirect(flow["auth_uri"])


class EntraCallbackView(View):
    def get(self, request):
        if not entra.is_configured():
            raise Http404("Sign in with Microsoft is not configured")
        flow = request.session.pop(ENTRA_FLOW_KEY, None)
        next_url = request.session.pop(ENTRA_NEXT_KEY, "")
        try:
            if flow is None:
                raise entra.SignInError("The sign-in expired; please start again.")
            claims = entra.flow_finish(flow=flow, params=request.GET.dict())
            user = entra.user_for_claims(claims, ip=request_ip(request))
        except entra.SignInError as exc:
            messages.error(request, str(exc))
            return redirect("login")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)




class TenantDomainsView(TenantScopedMixin, TemplateView):
    """The tenant's domains: Graph's verified ones (read at ingest) and hand-added ones
    for a tenant without a connection. Report files are checked against these."""

    template_name = "tenancy/domains.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["domains"] = TenantDomain.objects.for_tenant(self.tenant).order_by("name")
        return context

    def post(self, request, *args, **kwargs):
        try:
            if request.POST.get("remove"):
                services.tenant_domain_remove(tenant=self.tenant, pk=_int(request.POST["remove"]),
                                              actor=request.user, ip=request_ip(request))
            else:
                domain = services.tenant_domain_add(tenant=self.tenant,
                                                    name=request.POST.get("name", ""),
                                                    actor=request.user, ip=request_ip(request))
                messages.success(request, _("%(domain)s is now one of this tenant's domains.")
                                 % {"domain": domain.name})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("tenancy:domains", self.tenant.slug)


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
