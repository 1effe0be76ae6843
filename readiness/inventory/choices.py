from django.db import models
from django.utils.translation import gettext_lazy as _


class SmtpAuthSwitch(models.TextChoices):
    """Get-CASMailbox SmtpClientAuthenticationDisabled: true / false / null (inherit)."""

    ENABLED = "enabled", _("Enabled (mailbox override)")
    DISABLED = "disabled", _("Disabled (mailbox override)")
    INHERIT = "inherit", _("Inherit organisation setting")


class EffectiveState(models.TextChoices):
    SMTP_AUTH_OFF = "smtp_auth_off", _("SMTP AUTH off")
    OAUTH_ONLY = "oauth_only", _("OAuth only")
    BASIC_POSSIBLE = "basic_possible", _("Basic possible")
    UNKNOWN = "unknown", _("Unknown")


# The states in which the configuration says Basic SMTP AUTH cannot work: Basic traffic
# from such a mailbox is a conflict (docs/domain.md, "Evidence against configuration").
BASIC_BLOCKED_STATES = frozenset({EffectiveState.OAUTH_ONLY, EffectiveState.SMTP_AUTH_OFF})
