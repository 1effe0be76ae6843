"""Workflow API: thin adapters over the same services as the UI and the CLI.

Tenants resolve through readiness.tenancy.scoping: another tenant is a 404, a viewer
writing is a 403, helpdesk (WORK) can work tickets and statuses.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from readiness.senders import selectors, services
from readiness.senders.api.serializers import (
    CommentSerializer,
    SenderSerializer,
    TicketAssignSerializer,
    TicketCreateSerializer,
    TicketSerializer,
    TransitionSerializer,
)
from readiness.senders.choices import SenderStatus
from readiness.senders.filtersets import SenderFilterSet
from readiness.senders.models import Sender, Ticket
from readiness.tenancy.api import ReadOnlyTenantAPIMixin, TenantScopedAPIMixin
from readiness.tenancy.audit import request_ip
from readiness.tenancy.choices import Capability


class TenantAPIMixin(TenantScopedAPIMixin):
    """self.tenant resolved through scoping (404 when invisible); VIEW reads, WORK writes."""

    capability = Capability.VIEW
    write_capability = Capability.WORK

    def ticket(self, pk) -> Ticket:
        return get_object_or_404(Ticket.objects.for_tenant(self.tenant).select_related(
            "tenant", "assignee", "updated_by"), pk=pk)

    def user_named(self, username):
        if not username:
            return None
        user = selectors.assignee_by_username(tenant=self.tenant, username=username)
        if user is None:
            # One message whether or not the name exists elsewhere: no enumeration.
            raise ValidationError({"assignee": _("No helpdesk or manager of this tenant is "
                                                 "named “%(name)s”.") % {"name": username}})
        return user


TransitionResultSerializer = inline_serializer("TransitionResult", {
    "id": serializers.IntegerField(),
    "from": serializers.CharField(),
    "to": serializers.CharField(),
})
CommentResultSerializer = inline_serializer("CommentResult", {
    "id": serializers.IntegerField(), "body": serializers.CharField()})
ConflictSerializer = inline_serializer("TicketConflict", {
    "detail": serializers.CharField(), "current": TicketSerializer()})
DetailSerializer = inline_serializer("Detail", {"detail": serializers.CharField()})


def _error(exc: ValidationError) -> Response:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
    return Response(detail, status=status.HTTP_400_BAD_REQUEST)


class MyTicketListAPI(generics.ListAPIView):
    """GET /api/v1/tickets/: tickets assigned to me across my visible tenants."""

    serializer_class = TicketSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Ticket.objects.none()
        return selectors.my_ticket_queryset(user=self.request.user).prefetch_related("senders")


class TicketListCreateAPI(TenantAPIMixin, generics.ListAPIView):
    serializer_class = TicketSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no tenant
            return Ticket.objects.none()
        return selectors.ticket_queryset(tenant=self.tenant).prefetch_related("senders")

    @extend_schema(request=TicketCreateSerializer,
                   responses={201: TicketSerializer, 400: DetailSerializer})
    def post(self, request, *args, **kwargs):
        body = TicketCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            senders = services.senders_resolve(tenant=self.tenant, sender_ids=data["sender_ids"])
            ticket = services.ticket_create(
                tenant=self.tenant, senders=senders, actor=request.user,
                title=data.get("title", ""), assignee=self.user_named(data.get("assignee")),
                due_date=data.get("due_date"), priority=data.get("priority"), source="api",
                ip=request_ip(request))
        except services.BulkRefused as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        except ValidationError as exc:
            return _error(exc)
        return Response(TicketSerializer(ticket).data, status=status.HTTP_201_CREATED)


class TicketAssignAPI(TenantAPIMixin, APIView):
    @extend_schema(request=TicketAssignSerializer,
                   responses={200: TicketSerializer, 409: ConflictSerializer})
    def post(self, request, slug, pk):
        ticket = self.ticket(pk)  # another tenant's ticket is a 404, whatever the body
        body = TicketAssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            ticket = services.ticket_assign(
                tenant=self.tenant, ticket=ticket,
                assignee=self.user_named(body.validated_data["assignee"]), actor=request.user,
                expected_version=body.validated_data["version"], source="api",
                ip=request_ip(request))
        except services.TicketConflict as conflict:
            return Response({"detail": str(conflict),
                             "current": TicketSerializer(conflict.current).data},
                            status=status.HTTP_409_CONFLICT)
        except ValidationError as exc:
            return _error(exc)
        return Response(TicketSerializer(ticket).data)


class TicketCommentAPI(TenantAPIMixin, APIView):
    @extend_schema(request=CommentSerializer, responses={201: CommentResultSerializer})
    def post(self, request, slug, pk):
        ticket = self.ticket(pk)  # another tenant's ticket is a 404, whatever the body
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            comment = services.ticket_comment(
                tenant=self.tenant, ticket=ticket, body=body.validated_data["body"],
                actor=request.user, source="api", ip=request_ip(request))
        except ValidationError as exc:
            return _error(exc)
        return Response({"id": comment.pk, "body": comment.body},
                        status=status.HTTP_201_CREATED)


class SenderListAPI(ReadOnlyTenantAPIMixin, generics.ListAPIView):
    """Senders, filtered by exactly the same FilterSet as the sender table."""

    serializer_class = SenderSerializer
    filterset_class = SenderFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no tenant
            return Sender.objects.none()
        return selectors.sender_queryset(tenant=self.tenant)


class SenderWorkflowListAPI(TenantAPIMixin, APIView):
    """The old address of the sender list. The one sender list API is `api-senders`
    (the workflow fields included); this answers 301 there, query string kept."""

    @extend_schema(deprecated=True, responses={301: None})
    def get(self, request, slug):
        # The tenant was resolved in initial(): another tenant's slug is already a 404.
        url = reverse("api-senders", kwargs={"slug": self.tenant.slug})
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


class SenderTransitionAPI(TenantAPIMixin, APIView):
    @extend_schema(request=TransitionSerializer,
                   responses={200: TransitionResultSerializer, 409: DetailSerializer})
    def post(self, request, slug, pk):
        # Another tenant's sender is a 404, whatever the body.
        sender = get_object_or_404(Sender.objects.for_tenant(self.tenant), pk=pk)
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        terms = None
        if data["to_status"] == SenderStatus.EXCEPTION:
            terms = services.ExceptionTerms(approver=request.user,
                                            reason=data["exception_reason"],
                                            expires_on=data["exception_expires_on"])
        try:
            change = services.sender_transition(
                tenant=self.tenant, sender=sender, to_status=data["to_status"],
                actor=request.user, comment=data["comment"], exception=terms, source="api",
                ip=request_ip(request))
        except services.TransitionRefused as exc:
            return Response({"detail": exc.reason}, status=status.HTTP_409_CONFLICT)
        return Response({"id": sender.pk, "from": change.from_status, "to": change.to_status})
