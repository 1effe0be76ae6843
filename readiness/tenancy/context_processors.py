from readiness.tenancy import scoping


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"is_msp_admin": scoping.is_msp_admin(user)}
