"""Portal pages for creator agreements: list, page (deliverables with the records check,
payments, status buttons, the signed file), create, edit. Finance viewers only: anyone else gets
a 404, as if the pages did not exist."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opsportal.access import Perm, in_country
from opsportal.history import record_history
from opsportal.portal.mixins import (
    form_error,
    form_status,
    get_scoped_or_404,
    portal_render,
    portal_view,
    render_filtered_list,
    require_edit,
    require_finance,
    scoped,
)

from . import selectors
from .files import signed_file_response
from .forms import AgreementForm, DeliverableForm, DeliveredForm, PaymentForm, StatusForm, agreement_filters
from .models import Agreement, Deliverable, Payment, Status
from .services import (
    agreement_change_status,
    agreement_save,
    deliverable_delete,
    deliverable_mark_delivered,
    deliverable_may_change,
    deliverable_save,
    next_statuses,
    paid_total,
    payment_delete,
    payment_mark_paid,
    payment_may_be_removed,
    payment_save,
)

LIST_NAME = "agreements"
# The status buttons, in the team's words (a deliverable has its own "Mark delivered").
MOVE_LABELS = {
    Status.SIGNED: gettext_lazy("Mark as signed"),
    Status.DELIVERED: gettext_lazy("Mark agreement as delivered"),
    Status.PAID: gettext_lazy("Mark as paid"),
    Status.CANCELLED: gettext_lazy("Cancel agreement"),
}


@portal_view
def agreement_list(request):
    require_finance(request)
    return render_filtered_list(
        request,
        list_name=LIST_NAME,
        template="agreements/list.html",
        build_filterset=agreement_filters,
        queryset=selectors.agreement_list(scoped(request, in_country(Agreement.objects.all(), request.country))),
    )


def _detail_context(request, agreement, **forms) -> dict:
    can_edit = request.access.can_edit(agreement)
    paid = paid_total(agreement)
    return {
        "nav": "agreements",
        "agreement": agreement,
        "can_edit": can_edit,
        "can_edit_agreement": can_edit,
        "deliverables": selectors.deliverables_with_check(agreement),
        "payments": selectors.agreement_payments(agreement),
        "paid": paid,
        "outstanding": max(agreement.fee - paid, 0),
        "moves": [(value, MOVE_LABELS[value]) for value in next_statuses(agreement)] if can_edit else [],
        "deliverable_form": forms.get("deliverable_form") or DeliverableForm(),
        "payment_form": forms.get("payment_form") or PaymentForm(),
        "history": record_history(agreement, request.access),
    }


@portal_view
def agreement_detail(request, pk: int):
    agreement = get_scoped_or_404(request, selectors.agreement_detail_queryset(), pk=pk)
    return portal_render(request, "agreements/detail.html", _detail_context(request, agreement))


@portal_view
def agreement_create(request):
    require_finance(request)
    require_edit(request, perm=Perm.FINANCE_EDIT)
    form = AgreementForm(request.POST or None, request.FILES or None, country=request.country)
    initial = {k: request.GET[k] for k in ("influencer", "challenge", "event") if request.GET.get(k, "").isdecimal()}
    if not form.is_bound:
        form.initial.update(initial)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = agreement_save(form.instance, by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Agreement created."))
            return redirect("agreements:detail", pk=agreement.pk)
    return portal_render(request, "agreements/form.html", {"nav": "agreements", "form": form}, status=form_status(form))


@portal_view
def agreement_edit(request, pk: int):
    agreement = get_scoped_or_404(request, selectors.agreement_detail_queryset(), pk=pk)
    require_edit(request, agreement)
    form = AgreementForm(request.POST or None, request.FILES or None, instance=agreement, country=agreement.country)
    if request.method == "POST" and form.is_valid():
        try:
            agreement_save(form.instance, by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("agreements:detail", pk=agreement.pk)
    return portal_render(
        request,
        "agreements/form.html",
        {"nav": "agreements", "form": form, "agreement": agreement},
        status=form_status(form),
    )


@require_POST
@portal_view
def agreement_status(request, pk: int):
    agreement = get_scoped_or_404(request, selectors.agreement_detail_queryset(), pk=pk)
    require_edit(request, agreement)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect("agreements:detail", pk=agreement.pk)
    try:
        agreement_change_status(agreement, form.cleaned_data["status"], by=request.user)
    except ValidationError as error:
        agreement.refresh_from_db()
        for message in error.messages:
            messages.error(request, message)
        return portal_render(request, "agreements/detail.html", _detail_context(request, agreement), status=400)
    messages.success(request, _("Status changed to %(status)s.") % {"status": agreement.get_status_display()})
    return redirect("agreements:detail", pk=agreement.pk)


@portal_view
def signed_file(request, pk: int):
    """The signed agreement, for finance viewers only, as an attachment (never rendered inline)."""
    return signed_file_response(get_scoped_or_404(request, Agreement.objects.all(), pk=pk))


@require_POST
@portal_view
def deliverable_add(request, pk: int):
    agreement = get_scoped_or_404(request, selectors.agreement_detail_queryset(), pk=pk)
    require_edit(request, agreement)
    form = DeliverableForm(request.POST, instance=Deliverable(agreement=agreement))
    if form.is_valid():
        try:
            deliverable_save(form.instance, by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Deliverable added."))
            return redirect("agreements:detail", pk=agreement.pk)
    return portal_render(
        request, "agreements/detail.html", _detail_context(request, agreement, deliverable_form=form), status=400
    )


@require_POST
@portal_view
def deliverable_delivered(request, pk: int):
    deliverable = get_scoped_or_404(request, Deliverable.objects.select_related("agreement"), pk=pk)
    require_edit(request, deliverable)
    form = DeliveredForm(request.POST)
    form.is_valid()
    try:
        deliverable_mark_delivered(deliverable, bool(form.cleaned_data.get("delivered")), by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("agreements:detail", pk=deliverable.agreement_id)


@require_POST
@portal_view
def payment_add(request, pk: int):
    agreement = get_scoped_or_404(request, selectors.agreement_detail_queryset(), pk=pk)
    require_edit(request, agreement)
    form = PaymentForm(request.POST, instance=Payment(agreement=agreement))
    if form.is_valid():
        try:
            payment_save(form.instance, by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Payment recorded."))
            return redirect("agreements:detail", pk=agreement.pk)
    agreement.refresh_from_db()
    return portal_render(
        request, "agreements/detail.html", _detail_context(request, agreement, payment_form=form), status=400
    )


@require_POST
@portal_view
def payment_paid(request, pk: int):
    """Mark a payment due as paid today, in the agreement's country."""
    payment = get_scoped_or_404(request, Payment.objects.select_related("agreement__country"), pk=pk)
    require_edit(request, payment)
    if payment.paid_on is None:
        try:
            payment_mark_paid(payment, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Payment marked as paid."))
    return redirect("agreements:detail", pk=payment.agreement_id)


@require_POST
@portal_view
def payment_remove(request, pk: int):
    payment = get_scoped_or_404(request, Payment.objects.select_related("agreement"), pk=pk)
    require_edit(request, payment)
    try:
        payment_delete(payment, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Payment removed."))
    return redirect("agreements:detail", pk=payment.agreement_id)


def _section_url(agreement_id: int, section: str) -> str:
    return f"{reverse('agreements:detail', args=[agreement_id])}#{section}"


def _record_form(
    request, form, record, *, title, removable: bool, remove_url: str, remove_label, section: str, status: int
):
    """The edit page of a deliverable or a payment: the agreement's look, its record's history."""
    return portal_render(
        request,
        "agreements/record_form.html",
        {
            "nav": "agreements",
            "form": form,
            "agreement": record.agreement,
            "title": title,
            "removable": removable,
            "remove_url": remove_url,
            "remove_label": remove_label,
            "back_url": _section_url(record.agreement_id, section),
            "history": record_history(record, request.access),
        },
        status=status,
    )


@portal_view
def deliverable_edit(request, pk: int):
    """Correct a deliverable (what, hashtag, videos, due date); its delivery has its own button."""
    deliverable = get_scoped_or_404(request, Deliverable.objects.select_related("agreement__country"), pk=pk)
    require_edit(request, deliverable)
    form = DeliverableForm(request.POST or None, instance=deliverable)
    if request.method == "POST" and form.is_valid():
        try:
            deliverable_save(form.instance, by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(_section_url(deliverable.agreement_id, "deliverables-h"))
    return _record_form(
        request,
        form,
        deliverable,
        title=_("Edit deliverable"),
        removable=deliverable_may_change(deliverable),
        remove_url=reverse("agreements:deliverable_remove", args=[deliverable.pk]),
        remove_label=_("Remove this deliverable"),
        section="deliverables-h",
        status=form_status(form),
    )


@require_POST
@portal_view
def deliverable_remove(request, pk: int):
    deliverable = get_scoped_or_404(request, Deliverable.objects.select_related("agreement"), pk=pk)
    require_edit(request, deliverable)
    try:
        deliverable_delete(deliverable, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Deliverable removed."))
    return redirect(_section_url(deliverable.agreement_id, "deliverables-h"))


@portal_view
def payment_edit(request, pk: int):
    """Correct a payment (amount, dates, reference); the service keeps a paid agreement covered."""
    payment = get_scoped_or_404(request, Payment.objects.select_related("agreement__country"), pk=pk)
    require_edit(request, payment)
    form = PaymentForm(request.POST or None, instance=payment)
    if request.method == "POST" and form.is_valid():
        try:
            payment_save(form.instance, by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(_section_url(payment.agreement_id, "payments-h"))
    if form.is_bound:
        payment.refresh_from_db()  # the remove button follows what is stored, not what was typed
    return _record_form(
        request,
        form,
        payment,
        title=_("Edit payment"),
        removable=payment_may_be_removed(payment),
        remove_url=reverse("agreements:payment_remove", args=[payment.pk]),
        remove_label=_("Remove this payment"),
        section="payments-h",
        status=form_status(form),
    )
