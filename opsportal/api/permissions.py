from rest_framework import permissions

from opsportal.access import access_for_user, read_perm, write_perm


class CountryScopedPermission(permissions.BasePermission):
    """Reads need the read permission somewhere, writes the write permission.

    Which rows are visible is decided by the viewset's queryset (``Access.scope``); an object
    check here refuses writes in a country where the caller may only read.
    """

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        access = access_for_user(user)
        model = getattr(getattr(view, "queryset", None), "model", None) or getattr(view, "model", None)
        if model is None:
            return access.can("view")
        perm = read_perm(model) if request.method in permissions.SAFE_METHODS else write_perm(model)
        return access.can(perm)

    def has_object_permission(self, request, view, obj):
        access = access_for_user(request.user)
        if request.method in permissions.SAFE_METHODS:
            return access.can_view(obj)
        return access.can_edit(obj)
