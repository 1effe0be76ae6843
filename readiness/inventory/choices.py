from django.db import models


class SmtpAuthSwitch(models.TextChoices):
    """Get-CASMailbox SmtpClientAuthenticationDisabled: true / false / null (inherit)."""

    ENABLED = "enabled", "Enabled (mailbox override)"
    DISABLED = "disabled", "Disabled (mailbox override)"
    INHERIT = "inherit", "Inherit organisation setting"


class EffectiveState(models.TextChoices):
    SMTP_AUTH_OFF = "smtp_auth_off", "SMTP AUTH off"
    OAUTH_ONLY = "oauth_only", "OAuth only"
    BASIC_POSSIBLE = "basic_possible", "Basic possible"
    UNKNOWN = "unknown", "Unknown"


# The states in which the configuration says Basic SMTP AUTH cannot work: Basic traffic
# from such a mailbox is a conflict (docs/domain.md, "Evidence against configuration").
BASIC_BLOCKED_STATES = frozenset({EffectiveState.OAUTH_ONLY, EffectiveState.SMTP_AUTH_OFF})
