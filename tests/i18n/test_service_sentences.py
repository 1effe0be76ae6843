"""Sentences built in services, not templates, speak the reader's language too: the
wrong-tenant warning of an upload, a Conditional Access block's narrowing conditions
(stored in English in the snapshot, shown translated) and the evidence conflict."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import translation

from readiness.inventory.resolver import ca_uncertainty
from readiness.tenancy.domains import FOREIGN, DomainCheck, domain_check_message
from readiness.usage.evidence import Evidence, conflict_explain


def test_the_wrong_tenant_warning_is_czech_with_czech_plurals():
    check = DomainCheck(status=FOREIGN, domains=3,
                        foreign={"contoso.cz": 4, "fabrikam.example": 1, "x.example": 5})
    with translation.override("cs"):
        text = domain_check_message(check, ["Contoso", "jiný tenant"])
    assert text.startswith("Většina domén odesílatelů v tomto souboru nepatří")
    assert "x.example (5 odesílatelů), contoso.cz (4 odesílatelé), " \
           "fabrikam.example (1 odesílatel)" in text
    assert "Tyto domény patří: Contoso a jiný tenant." in text


def test_a_narrowed_block_reads_in_czech():
    block = {"narrowed_by": ["scoped by location", "scoped by device platform"]}
    with translation.override("cs"):
        assert ca_uncertainty(block, "user-1") == ("omezeno podle umístění; omezeno podle "
                                                   "platformy zařízení")
    assert ca_uncertainty(block, "user-1") == "scoped by location; scoped by device platform"


def test_the_evidence_conflict_reads_in_czech():
    mailbox = SimpleNamespace(get_effective_state_display=lambda: "OAuth only")
    evidence = Evidence(basic_signins=2, basic_messages=5)
    with translation.override("cs"):
        conflict = conflict_explain(mailbox, evidence)
    assert conflict.summary == ("Rozpor: OAuth only, přesto 2 úspěšná přihlášení Basic a "
                                "5 zpráv Basic v souborech sestav v tomto období")
    assert conflict.explanations[0].startswith("nastavení se změnilo až po provozu")
    assert conflict.checks[0].startswith("protokol přihlášení Entra")
