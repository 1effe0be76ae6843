from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from readiness.tenancy.language import session_language_stamp
from readiness.tenancy.sessions import stamp_session
from readiness.tenancy.tokens import api_tokens_revoke_on_password_change


@receiver(user_logged_in, dispatch_uid="tenancy.stamp_session_epoch")
def stamp_epoch_on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        stamp_session(session=request.session, user=user)


@receiver(user_logged_in, dispatch_uid="tenancy.stamp_session_language")
def stamp_language_on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_language_stamp(session=request.session, user=user)


@receiver(post_save, sender=settings.AUTH_USER_MODEL,
          dispatch_uid="tenancy.revoke_api_tokens_on_password_change")
def revoke_api_tokens_on_password_change(sender, instance, created, **kwargs):
    # A receiver, not a service call: passwords change in Django's admin and in
    # `manage.py changepassword`, neither of which goes through our services.
    if not created:
        api_tokens_revoke_on_password_change(user=instance)
