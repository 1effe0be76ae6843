"""Microsoft's milestones are seeded in English (the data migration); these are their
titles as the catalogue knows them, so each language shows its own. A title an MSP
admin edits or adds is shown as typed. tests/i18n/test_catalogue.py checks that every
seeded title is listed here."""

from django.utils.translation import gettext, gettext_noop

SEED_TITLES = (
    gettext_noop("Security defaults available; they block Basic (legacy) auth including SMTP"),
    gettext_noop("SMTP AUTH disabled by default for organisations created from January 2020"),
    gettext_noop("Basic auth turned off for EAS, POP, IMAP, EWS, RPC, PowerShell; SMTP AUTH "
                 "exempted"),
    gettext_noop("MC786329: Exchange Online to retire Basic auth for Client Submission "
                 "(SMTP AUTH)"),
    gettext_noop("SMTP AUTH clients report gains the Authentication Protocol (Basic/OAuth) "
                 "column"),
    gettext_noop("Original removal date for Basic SMTP AUTH (moved in June 2025)"),
    gettext_noop("Exchange Server 2016/2019 end of support (affects on-premises relays)"),
    gettext_noop("Microsoft revises the timeline: no change through December 2026, default-off "
                 "at end of December 2026"),
    gettext_noop("Gradual rejection of Basic SMTP AUTH was to begin (put on hold in January "
                 "2026)"),
    gettext_noop("High Volume Email generally available"),
    # xgettext:no-python-format
    gettext_noop("100% rejection of Basic SMTP AUTH was due (put on hold in January 2026)"),
    gettext_noop("Basic SMTP AUTH disabled by default for existing tenants (admins can "
                 "re-enable); unavailable for new tenants"),
    gettext_noop("Microsoft to announce the final removal date (second half of 2027)"),
    gettext_noop("End of Basic auth on High Volume Email accounts"),
)


def title_display(title: str, *, microsoft: bool) -> str:
    """Microsoft's seeded titles in the active language; anything else as typed."""
    return gettext(title) if microsoft and title in SEED_TITLES else title
