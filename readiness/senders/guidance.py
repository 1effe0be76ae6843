"""Migration guidance as data: what to change, the exact settings, limits, pitfalls and
the PowerShell an admin runs for one mailbox (microsoft-365.md §2 and §6).

Scripts are built by `scripts_for(path, address)`; every address goes through
`ps_quote`, and templates autoescape the result, so a hostile address can neither
break out of the PowerShell string nor inject HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from readiness.senders.choices import MigrationPath, OAuthSupport

# PowerShell treats the typographic single quotes as quote characters too.
_PS_SINGLE_QUOTES = ("'", "\u2018", "\u2019", "\u201a", "\u201b")
TEMP_POLICY = "Allow Basic SMTP (temporary)"


def ps_quote(value: str) -> str:
    """A PowerShell single-quoted literal: inner quotes doubled, control chars dropped."""
    cleaned = "".join(ch for ch in value if ch.isprintable())
    for quote in _PS_SINGLE_QUOTES:
        cleaned = cleaned.replace(quote, quote * 2)
    return f"'{cleaned}'"


@dataclass(frozen=True)
class Script:
    title: str
    code: str
    warning: str = ""


@dataclass(frozen=True)
class Guidance:
    path: str
    title: str
    summary: str
    settings: tuple[tuple[str, str], ...] = ()
    steps: tuple[str, ...] = ()
    limits: tuple[str, ...] = ()
    pitfalls: tuple[str, ...] = ()
    smtp_auth_after: str = "off"  # off: SMTP AUTH can be disabled; on: must stay on
    scripts: tuple[Script, ...] = field(default=())


# Step 5 of every path: after the cut-over, watch for the devices that were missed.
AFTER_CUTOVER = _(
    "After the cut-over, watch for 550 5.7.30 (Basic authentication is not supported for "
    "Client Submission) on the devices: in the Entra sign-in log each such attempt shows "
    "as one of the failed Authenticated SMTP sign-ins of the mailbox's user (53003 when "
    "Conditional Access blocked it). This product reads them: a blocked sender with failed "
    "Basic attempts is shown as \"failing since DATE\", its owner is told and its ticket "
    "re-opens.")
# Gate 4 (reference, corrected 2026-12-01): what makes a Conditional Access block count.
CONDITIONAL_ACCESS_NOTE = _(
    "A Conditional Access policy blocks Basic SMTP AUTH only when it is enabled (not "
    "report-only), blocks \"Other clients\" (an Exchange ActiveSync-only block does not "
    "cover SMTP), and targets All cloud apps, Office 365 or Office 365 Exchange Online. "
    "Any narrowing condition (locations such as \"all except trusted IPs\", platforms, "
    "client applications, risk levels, users scoped by group or role) may let a device "
    "through: such a mailbox is shown as unknown, never as OAuth only.")

SMTP_AUTH_OFF_WARNING = (
    _("Turning SMTP AUTH off closes the protocol itself: it also breaks senders that use "
    "OAuth SMTP (XOAUTH2) on this mailbox."))

GUIDANCE: dict[str, Guidance] = {
    MigrationPath.OAUTH_SMTP: Guidance(
        MigrationPath.OAUTH_SMTP, "OAuth SMTP (XOAUTH2)",
        _("Keep SMTP AUTH, replace the password with an OAuth token (SASL XOAUTH2)."),
        settings=((_("Host"), "smtp.office365.com"), (_("Port"), "587"), (_("TLS"), "STARTTLS"),
                  (_("Authentication"), "XOAUTH2 (OAuth 2.0)"),
                  (_("Permission"), _("SMTP.SendAsApp (application) or SMTP.Send (delegated)"))),
        steps=(_("Register an Entra app and grant SMTP.SendAsApp (or SMTP.Send)."),
               _("Register the app's service principal in Exchange and give it access to "
               "the mailbox (New-ServicePrincipal, Add-MailboxPermission)."),
               _("Configure the device or app for XOAUTH2 with the app's credentials."),
               _("Keep SMTP AUTH ON for this mailbox.")),
        limits=(_("30 messages per minute per mailbox"),
                _("10,000 recipients per day per mailbox")),
        pitfalls=(_("SMTP AUTH must stay enabled for the mailbox: disabling it breaks "
                  "OAuth SMTP too."),
                  _("Many printers only offer 'OAuth' for Gmail: check the firmware supports "
                  "Microsoft 365 XOAUTH2.")),
        smtp_auth_after="on",
    ),
    MigrationPath.GRAPH_SENDMAIL: Guidance(
        MigrationPath.GRAPH_SENDMAIL, "Graph sendMail",
        _("Send through the Microsoft Graph REST API instead of SMTP."),
        settings=((_("Endpoint"), "POST https://graph.microsoft.com/v1.0/users/{id}/sendMail"),
                  (_("Permission"), _("Mail.Send (application or delegated)"))),
        steps=(_("Register an Entra app with Mail.Send."),
               _("Limit it to the sending mailbox with an application access policy or RBAC "
               "for Applications."),
               _("Change the app's code to call sendMail."),
               _("Turn SMTP AUTH off for the mailbox once no SMTP traffic is left.")),
        limits=(_("Exchange Online sending limits apply (10,000 recipients per day)"),),
        pitfalls=(_("Application Mail.Send without a scope can send as ANY mailbox: scope it."),),
    ),
    MigrationPath.HVE: Guidance(
        MigrationPath.HVE, _("High Volume Email (HVE)"),
        _("Point the device at an HVE account; internal recipients only."),
        settings=((_("Host"), "smtp.hve.mx.microsoft"), (_("Port"), "587"), (_("TLS"), "STARTTLS"),
                  (_("Authentication"), _("HVE account (Basic allowed until September 2028)"))),
        steps=(_("Create an HVE account in the Exchange admin center."),
               _("Configure the device with the HVE host, port and account."),
               _("Turn SMTP AUTH off for the old mailbox once its traffic stops.")),
        limits=(_("Internal recipients only"),
                _("Basic auth on HVE accounts until September 2028")),
        pitfalls=(_("External recipients are rejected: use ACS Email or a connector relay."),),
    ),
    MigrationPath.ACS_EMAIL: Guidance(
        MigrationPath.ACS_EMAIL, "Azure Communication Services Email",
        _("Send through ACS Email over SMTP or REST; external recipients allowed."),
        settings=((_("Host"), "smtp.azurecomm.net"), (_("Port"), "587"), (_("TLS"), "STARTTLS"),
                  (_("Authentication"), _("Entra application credentials"))),
        steps=(_("Create an ACS Email resource and verify the sending domain."),
               _("Create an Entra app and SMTP username for ACS."),
               _("Configure the device, then turn SMTP AUTH off for the old mailbox.")),
        limits=(_("Low default rate limits; raise them by support request"),),
        pitfalls=(_("Sends from a verified ACS domain, not from the Exchange mailbox: no "
                  "copy in Sent Items."),),
    ),
    MigrationPath.CONNECTOR_RELAY: Guidance(
        MigrationPath.CONNECTOR_RELAY, _("Connector relay (port 25 to the MX)"),
        _("Send unauthenticated to the tenant's MX through an inbound connector."),
        settings=((_("Host"),
                   _("the tenant's MX record, e.g. <domain>.mail.protection.outlook.com")),
                  (_("Port"), "25"), (_("TLS"), _("STARTTLS (certificate connectors require it)")),
                  (_("Authentication"), _("none: a static IP or a certificate identifies you"))),
        steps=(_("Create an inbound connector from 'Your organisation's email server', "
               "identified by the static public IP or a certificate."),
               _("Configure the device with the MX host on port 25, no credentials."),
               _("Turn SMTP AUTH off for the old mailbox.")),
        limits=(_("No user credentials; unaffected by the retirement"),),
        pitfalls=(_("Needs a static public IP (or a certificate); port 25 outbound is often "
                  "blocked by ISPs."),),
    ),
    MigrationPath.ONPREM_RELAY: Guidance(
        MigrationPath.ONPREM_RELAY, _("On-premises Exchange relay"),
        _("Relay through an on-premises Exchange receive connector."),
        settings=((_("Host"), _("your Exchange server")), (_("Port"), "25"),
                  (_("TLS"), "STARTTLS")),
        steps=(_("Create a receive connector scoped to the device's IP."),
               _("Point the device at the server; turn SMTP AUTH off for the old mailbox.")),
        limits=(_("Exchange 2016/2019 are out of support since October 2025"),),
        pitfalls=(_("Prefer Exchange Server Subscription Edition for a supported relay."),),
    ),
    MigrationPath.THIRD_PARTY_RELAY: Guidance(
        MigrationPath.THIRD_PARTY_RELAY, _("Third-party relay"),
        _("Send through an SMTP relay service that authenticates to Microsoft 365 itself."),
        steps=(_("Configure the device for the relay service."),
               _("Turn SMTP AUTH off for the old mailbox once its traffic stops.")),
        pitfalls=(_("Add the relay to SPF and sign with DKIM, or mail lands in junk."),),
    ),
    MigrationPath.RETIRE: Guidance(
        MigrationPath.RETIRE, _("Retire the sender"),
        _("The sender is no longer needed: switch it off and close the mailbox's SMTP AUTH."),
        steps=(_("Confirm with the owner that nothing depends on it."),
               _("Disable the device's e-mail function, then turn SMTP AUTH off.")),
    ),
    MigrationPath.EXCEPTION: Guidance(
        MigrationPath.EXCEPTION, _("Accepted exception"),
        _("Basic stays for now, approved, with a reason and an expiry date."),
        steps=(_("Record the approver, reason and expiry (status 'Exception')."),
               _("Keep SMTP AUTH on and allow Basic SMTP only for this mailbox.")),
        pitfalls=(_("A Conditional Access legacy-auth block defeats per-mailbox exceptions."),
                  _("Microsoft's default-off (end of December 2026) may still block it.")),
        smtp_auth_after="basic",
    ),
}
UNDECIDED = Guidance(MigrationPath.UNDECIDED, _("Undecided"),
                     _("Choose a migration path to see what to change."), smtp_auth_after="")


def guidance_for(path: str) -> Guidance:
    return GUIDANCE.get(path, UNDECIDED)


def mailbox_scripts(path: str, address: str) -> list[Script]:
    """The PowerShell for THIS mailbox once it has moved to `path`."""
    identity = ps_quote(address)
    mode = guidance_for(path).smtp_auth_after
    if mode == "off":
        return [Script(_("Turn SMTP AUTH off for this mailbox"),
                       f"Set-CASMailbox -Identity {identity} "
                       "-SmtpClientAuthenticationDisabled $true", SMTP_AUTH_OFF_WARNING)]
    if mode == "on":
        return [Script(_("Keep SMTP AUTH on for this mailbox (OAuth SMTP needs it)"),
                       f"Set-CASMailbox -Identity {identity} "
                       "-SmtpClientAuthenticationDisabled $false", SMTP_AUTH_OFF_WARNING)]
    if mode == "basic":
        return [keep_smtp_auth_script(address), *keep_basic_scripts([address])]
    return []


def keep_smtp_auth_script(address: str) -> Script:
    return Script(_("Keep SMTP AUTH on for this mailbox while it moves"),
                  f"Set-CASMailbox -Identity {ps_quote(address)} "
                  "-SmtpClientAuthenticationDisabled $false")


def keep_basic_scripts(addresses: list[str]) -> list[Script]:
    policy = ps_quote(TEMP_POLICY)
    lines = [f"New-AuthenticationPolicy -Name {policy} -AllowBasicAuthSmtp"]
    lines += [f"Set-User -Identity {ps_quote(a)} -AuthenticationPolicy {policy}"
              for a in addresses]
    return [Script(_("Allow Basic SMTP for these mailboxes only (temporary policy)"),
                   "\n".join(lines),
                   _("Run New-AuthenticationPolicy once per tenant; policy changes take up "
                   "to 24 hours."))]


ORG_SMTP_AUTH_OFF = Script(
    _("Turn SMTP AUTH off for the whole organisation"),
    "Set-TransportConfig -SmtpClientAuthenticationDisabled $true",
    _("Run this LAST, after the per-mailbox exceptions: mailboxes set to $false keep "
    "SMTP AUTH, every inheriting mailbox loses it (OAuth SMTP included)."))


def device_steps(device) -> list[str]:
    """What the catalogue's evidence means for a sender linked to `device` (a DeviceModel):
    the steps follow the vendor's statement, never a guess beyond it."""
    support = device.oauth_support
    flow = f" ({device.auth_flow})" if device.auth_flow else ""
    if support in (OAuthSupport.YES, OAuthSupport.FIRMWARE):
        steps = []
        if device.min_version:
            steps.append(str(_("Update the firmware or software to %(version)s or later.")
                             % {"version": device.min_version}))
        steps += [str(_("Register an Entra app for it and configure OAuth SMTP%(flow)s on the "
                        "device (see the OAuth SMTP guidance).") % {"flow": flow}),
                  str(_("Keep SMTP AUTH on for its mailbox; watch for failed Basic sign-ins "
                        "after the switch."))]
        return steps
    if support == OAuthSupport.PARTIAL:
        return [str(_("Only some models or versions support OAuth%(flow)s: check yours "
                      "against the vendor's statement (source below).") % {"flow": flow}),
                str(_("If yours is not listed, plan a relay, High Volume Email or a "
                      "connector."))]
    if support == OAuthSupport.CHECK:
        return [str(_("The vendor keeps a per-model list: look your model up at the source "
                      "below.")),
                str(_("Link the sender to a more specific entry once you know (or note "
                      "it)."))]
    if support == OAuthSupport.NO:
        return [str(_("This device will not do OAuth: move it to a connector relay, High "
                      "Volume Email or an on-premises relay, or replace it."))]
    return [str(_("Nobody has checked this device yet: look up the vendor's "
                  "documentation."))]
