def portal(request):
    """What every portal page needs: the person's rights and current country."""
    from opsportal.access import access_for_user

    user = getattr(request, "user", None)
    return {"access": access_for_user(user) if user is not None else None}
