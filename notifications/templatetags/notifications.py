"""``{% load notifications %}{% unread_count %}``: the portal shell's unread badge."""

from django import template

from notifications.services import unread_count as count_unread

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_count(context) -> int:
    """Unread notifications of the signed-in person, counted once per request."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    if request is None:
        return count_unread(user)
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = count_unread(user)
    return request._unread_notifications
