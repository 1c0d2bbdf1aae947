"""Agreement endpoints (the finance scope: ``finance.view`` to read, ``finance.edit`` to write)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from agreements import selectors
from agreements.files import signed_file_response
from agreements.filtersets import AgreementFilterSet, DeliverableFilterSet, PaymentFilterSet
from agreements.models import SIGNED_FILE_MAX_BYTES, Agreement, Deliverable, Payment
from agreements.services import (
    agreement_delete,
    agreement_save,
    agreement_set_signed_file,
    deliverable_delete,
    deliverable_save,
    payment_delete,
    payment_save,
)
from challenges.models import Challenge
from opsportal.access import Perm, get_scoped_or_404
from opsportal.api.schema import errors
from opsportal.api.viewsets import OpsModelViewSet, acting_user

from .serializers import (
    AgreementSerializer,
    ChallengeSpendSerializer,
    DeliverableSerializer,
    PaymentSerializer,
    SignedFileUploadSerializer,
)

# A multipart body a little larger than the file it carries (boundaries, headers).
MULTIPART_ALLOWANCE = 64 * 1024
SIGNED_FILE_DOWNLOAD = OpenApiResponse(
    OpenApiTypes.BINARY,
    description="The signed agreement, as an attachment (`Content-Disposition: attachment`).",
)


class AgreementViewSet(OpsModelViewSet):
    """Agreements with creators: deliverables, fee and currency, status, payments made."""

    queryset = selectors.agreement_list(Agreement.objects.all())
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return agreement_save(instance, by=acting_user(self.request))

    def perform_destroy(self, instance):
        agreement_delete(instance, by=acting_user(self.request))

    @extend_schema(
        methods=["GET"],
        summary="Download the signed agreement",
        description="The file as it was uploaded (PDF, PNG or JPEG). 404 when the agreement has none.",
        responses={
            (200, "application/pdf"): SIGNED_FILE_DOWNLOAD,
            (200, "image/png"): SIGNED_FILE_DOWNLOAD,
            (200, "image/jpeg"): SIGNED_FILE_DOWNLOAD,
            **errors(401, 403, 404, 429),
        },
    )
    @extend_schema(
        methods=["PUT"],
        summary="Upload the signed agreement",
        description=(
            "Send the file as `multipart/form-data` in the field `signed_file`: PDF, PNG or JPEG, 10 MB at most. "
            "The file is checked by its content, as in the portal: an empty file, a larger one, another kind "
            "(an HTML page, a ZIP archive) or one named as a kind it is not is refused with a 400 naming "
            "`signed_file`. Replaces the file the agreement had. A paid or cancelled agreement still takes it."
        ),
        request={"multipart/form-data": SignedFileUploadSerializer},
        responses={200: AgreementSerializer, **errors(400, 401, 403, 404, 429)},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Remove the signed agreement",
        request=None,
        responses={204: None, **errors(401, 403, 404, 429)},
    )
    @action(
        detail=True,
        methods=["get", "put", "delete"],
        url_path="signed-file",
        parser_classes=[MultiPartParser],
        filter_backends=[],
        pagination_class=None,
    )
    def signed_file(self, request, pk=None):
        """The signed agreement: download, upload (multipart) or remove (scope ``finance``)."""
        agreement = self.get_object()  # read: finance.view; put/delete: finance.edit there, or 404/403
        if request.method == "GET":
            return signed_file_response(agreement)
        if request.method == "DELETE":
            agreement_set_signed_file(agreement, None, by=acting_user(request))
            return Response(status=status.HTTP_204_NO_CONTENT)
        self._refuse_oversized_body(request)
        serializer = SignedFileUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            agreement = agreement_set_signed_file(
                agreement, serializer.validated_data["signed_file"], by=acting_user(request)
            )
        except DjangoValidationError as error:
            raise DRFValidationError(_field_errors(error, "signed_file")) from None
        return Response(self.represent(agreement))

    @staticmethod
    def _refuse_oversized_body(request) -> None:
        """Answer a body far beyond the limit before it is read and spooled to disk."""
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > SIGNED_FILE_MAX_BYTES + MULTIPART_ALLOWANCE:
            raise DRFValidationError(
                {
                    "signed_file": [
                        _("The file is %(size)s; the limit is %(limit)s.")
                        % {"size": filesizeformat(length), "limit": filesizeformat(SIGNED_FILE_MAX_BYTES)}
                    ]
                }
            )

    @extend_schema(
        parameters=[OpenApiParameter("challenge", int, required=True, description="The challenge's id.")],
        responses={200: ChallengeSpendSerializer(many=True), **errors(400, 401, 403, 404, 429)},
    )
    @action(detail=False, methods=["get"], url_path="challenge-spend", filter_backends=[], pagination_class=None)
    def challenge_spend(self, request):
        """Paid creator spend on a challenge and its cost per thousand views gained, per currency."""
        value = request.query_params.get("challenge", "")
        if not value.isdecimal():
            raise DRFValidationError({"challenge": [_("Give the challenge's id.")]})
        challenge = get_scoped_or_404(request, Challenge.objects.all(), pk=int(value))
        if not self.access.can(Perm.FINANCE_VIEW, challenge.country_id):
            raise NotFound()
        return Response(ChallengeSpendSerializer(selectors.challenge_spend(challenge), many=True).data)


def _field_errors(error: DjangoValidationError, field: str) -> dict:
    """A service's refusal as field errors; one that names no field is put on ``field``."""
    if hasattr(error, "error_dict"):
        return {name: [str(m) for m in messages] for name, messages in error.message_dict.items()}
    return {field: [str(m) for m in error.messages]}


class DeliverableViewSet(OpsModelViewSet):
    """What a creator delivers under an agreement (mark it delivered in the portal)."""

    queryset = Deliverable.objects.select_related("agreement")
    serializer_class = DeliverableSerializer
    filterset_class = DeliverableFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return deliverable_save(instance, by=acting_user(self.request))

    def perform_destroy(self, instance):
        deliverable_delete(instance, by=acting_user(self.request))


class PaymentViewSet(OpsModelViewSet):
    """Payments due and paid under an agreement, in its currency."""

    queryset = Payment.objects.select_related("agreement")
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return payment_save(instance, by=acting_user(self.request))

    def perform_destroy(self, instance):
        payment_delete(instance, by=acting_user(self.request))
