from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from readiness.tenancy.language import session_language_stamp
from readiness.tenancy.sessions import stamp_session


@receiver(user_logged_in, dispatch_uid="tenancy.stamp_session_epoch")
def stamp_epoch_on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        stamp_session(session=request.session, user=user)


@receiver(user_logged_in, dispatch_uid="tenancy.stamp_session_language")
def stamp_language_on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_language_stamp(session=request.session, user=user)
