"""The resolver's full truth table (microsoft-365.md §2) and its precedence properties."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readiness.inventory.resolver import Inputs, Policy, ca_legacy_blocks, resolve

DN = "CN={},CN=Auth Policies,CN=Configuration,CN=contoso.onmicrosoft.com"
POLICIES = [Policy("Allow SMTP", DN.format("Allow SMTP"), True),
            Policy("Block Basic", DN.format("Block Basic"), False)]
POLICY_CASES = {  # name -> (user policy reference, the tenant's policies)
    "none": (None, POLICIES),
    "name_allow": ("Allow SMTP", POLICIES),
    "name_block": ("Block Basic", POLICIES),
    "dn_allow": (DN.format("Allow SMTP"), POLICIES),
    "dn_block": (DN.format("Block Basic"), POLICIES),
    "unknown_reference": ("Deleted policy", POLICIES),
    "unreadable": ("Block Basic", None),
}
LEGACY_BLOCK = {"displayName": "Block legacy",
                "conditions": {"clientAppTypes": ["other"],
                               "applications": {"includeApplications": ["All"]}},
                "grantControls": {"builtInControls": ["block"]}}
CA_CASES = {
    "none": [],
    "enabled_block": [{**LEGACY_BLOCK, "state": "enabled"}],
    "report_only": [{**LEGACY_BLOCK, "state": "enabledForReportingButNotEnforced"}],
    "unreadable": None,
}
SWITCHES, TRISTATE = ["enabled", "disabled", "inherit"], [True, False, None]


def _inputs(switch, org, secdef, policy, ca) -> Inputs:
    reference, policies = POLICY_CASES[policy]
    raw_ca = CA_CASES[ca]
    return Inputs(mailbox_switch=switch, org_smtp_disabled=org, security_defaults=secdef,
                  user_policy=reference, default_policy=None, policies=policies,
                  ca_blocking_policies=None if raw_ca is None else ca_legacy_blocks(
                      raw_ca))


def _expected(switch, org, secdef, policy, ca) -> str:
    """The specification, written as plainly as possible."""
    closed = switch == "disabled" or (switch == "inherit" and org is True)
    if closed:
        return "smtp_auth_off"
    protocol_unread = switch == "inherit" and org is None
    blocked = secdef is True or policy in ("name_block", "dn_block") or ca == "enabled_block"
    if blocked:
        # Basic cannot work either way, but "OAuth only" needs gate 1 known to be open.
        return "unknown" if protocol_unread else "oauth_only"
    unknown = (switch == "inherit" and org is None) or secdef is None or policy in (
        "unknown_reference", "unreadable") or ca == "unreadable"
    return "unknown" if unknown else "basic_possible"


TABLE = list(itertools.product(SWITCHES, TRISTATE, TRISTATE, POLICY_CASES, CA_CASES))


def test_the_truth_table_has_every_combination():
    assert len(TABLE) == 3 * 3 * 3 * 7 * 4


@pytest.mark.parametrize(("switch", "org", "secdef", "policy", "ca"), TABLE)
def test_it_resolves_every_combination(switch, org, secdef, policy, ca):
    verdict = resolve(_inputs(switch, org, secdef, policy, ca))
    assert verdict.state == _expected(switch, org, secdef, policy, ca)
    assert verdict.reason


def test_it_says_which_input_is_missing():
    verdict = resolve(_inputs("enabled", False, None, "none", "none"))
    assert "security defaults not readable" in verdict.reason
    verdict = resolve(_inputs("inherit", None, False, "none", "none"))
    assert "Get-TransportConfig" in verdict.reason


def test_it_matches_a_policy_given_by_distinguished_name():
    verdict = resolve(_inputs("enabled", False, False, "dn_block", "none"))
    assert verdict.reason == ("OAuth only: user policy “Block Basic” blocks Basic SMTP "
                              "(AllowBasicAuthSmtp false)")


def test_the_org_default_policy_applies_when_the_user_has_none():
    inputs = Inputs(mailbox_switch="enabled", org_smtp_disabled=False, security_defaults=False,
                    user_policy=None, default_policy="Block Basic", policies=POLICIES,
                    ca_blocking_policies=[])
    assert resolve(inputs).state == "oauth_only"


def test_a_fifth_gate_can_be_added():
    inputs = Inputs(mailbox_switch="enabled", org_smtp_disabled=False, security_defaults=False,
                    user_policy=None, default_policy=None, policies=POLICIES,
                    ca_blocking_policies=[],
                    extra_gates=[lambda _: ("block", "Basic retired by Microsoft")])
    assert resolve(inputs).state == "oauth_only"


def test_a_block_on_all_client_apps_covers_smtp():
    policy = {**LEGACY_BLOCK, "state": "enabled",
              "conditions": {**LEGACY_BLOCK["conditions"], "clientAppTypes": ["all"]}}
    assert [b["name"] for b in ca_legacy_blocks([policy])] == ["Block legacy"]


SCANNER = "11111111-1111-1111-1111-111111111111"


def _scoped(users: dict) -> list[dict]:
    return ca_legacy_blocks([{**LEGACY_BLOCK, "state": "enabled",
                              "conditions": {**LEGACY_BLOCK["conditions"], "users": users}}])


def _with_ca(blocks, object_id=SCANNER):
    return Inputs(mailbox_switch="enabled", org_smtp_disabled=False, security_defaults=False,
                  user_policy=None, default_policy=None, policies=POLICIES,
                  ca_blocking_policies=blocks, mailbox_object_id=object_id)


def test_a_user_excluded_from_the_legacy_block_can_still_use_basic():
    blocks = _scoped({"includeUsers": ["All"], "excludeUsers": [SCANNER]})
    verdict = resolve(_with_ca(blocks))
    assert verdict.state == "basic_possible"
    assert "'Block legacy' does not cover this user" in verdict.reason
    assert resolve(_with_ca(blocks, object_id="someone-else")).state == "oauth_only"


def test_a_block_scoped_by_group_is_unknown_not_blocking():
    blocks = _scoped({"includeUsers": ["All"], "excludeGroups": ["g-service-accounts"]})
    verdict = resolve(_with_ca(blocks))
    assert verdict.state == "unknown" and "scoped by group or role" in verdict.reason


def test_a_block_naming_only_other_users_does_not_cover_this_one():
    blocks = _scoped({"includeUsers": ["22222222-2222-2222-2222-222222222222"]})
    assert resolve(_with_ca(blocks)).state == "basic_possible"
    assert resolve(_with_ca(blocks, object_id="22222222-2222-2222-2222-222222222222")
                   ).state == "oauth_only"


def test_exclusions_cannot_be_checked_without_the_users_object_id():
    blocks = _scoped({"includeUsers": ["All"], "excludeUsers": [SCANNER]})
    assert resolve(_with_ca(blocks, object_id="")).state == "unknown"


cases = st.tuples(st.sampled_from(SWITCHES), st.sampled_from(TRISTATE),
                  st.sampled_from(TRISTATE), st.sampled_from(list(POLICY_CASES)),
                  st.sampled_from(list(CA_CASES)))


@given(cases)
def test_gate_one_closed_always_wins(case):
    _switch, org, *rest = case
    assert resolve(_inputs("disabled", org, *rest)).state == "smtp_auth_off"
    assert resolve(_inputs("inherit", True, *rest)).state == "smtp_auth_off"


@given(cases, st.sampled_from(["secdef", "policy", "ca"]))
def test_any_block_means_oauth_only_when_gate_one_is_open(case, which):
    switch, org, secdef, policy, ca = case
    if switch == "disabled" or (switch == "inherit" and org is not False):
        switch, org = "enabled", org
    secdef = True if which == "secdef" else secdef
    policy = "name_block" if which == "policy" else policy
    ca = "enabled_block" if which == "ca" else ca
    assert resolve(_inputs(switch, org, secdef, policy, ca)).state == "oauth_only"


def test_a_block_with_the_protocol_switch_unread_is_unknown_but_says_basic_is_blocked():
    verdict = resolve(_inputs("inherit", None, True, "none", "none"))
    assert verdict.state == "unknown"
    assert "Basic is blocked" in verdict.reason and "Get-TransportConfig" in verdict.reason


@given(cases)
def test_unknown_never_becomes_basic_possible(case):
    switch, org, secdef, policy, ca = case
    verdict = resolve(_inputs(switch, org, secdef, policy, ca))
    any_unknown = (switch == "inherit" and org is None) or secdef is None or policy in (
        "unknown_reference", "unreadable") or ca == "unreadable"
    if any_unknown:
        assert verdict.state != "basic_possible"


@given(cases)
def test_report_only_conditional_access_blocks_nothing(case):
    switch, org, secdef, policy, _ = case
    assert resolve(_inputs(switch, org, secdef, policy, "report_only")) == resolve(
        _inputs(switch, org, secdef, policy, "none"))


# --- Gate 4 read in full (reference, corrected 2026-12-01) -------------------------------
# Each case is a block an admin really writes; none of them may yield "OAuth only".


def _ca(**conditions) -> dict:
    return {**LEGACY_BLOCK, "state": "enabled",
            "conditions": {**LEGACY_BLOCK["conditions"], **conditions}}


NOT_OAUTH_ONLY = {
    # Exchange ActiveSync is its own client type: SMTP AUTH is "Other clients".
    "eas_only": (_ca(clientAppTypes=["exchangeActiveSync"]), "basic_possible", ""),
    # A block on SharePoint only does not touch Exchange Online.
    "app_scoped": (_ca(applications={"includeApplications": [
        "00000003-0000-0ff1-ce00-000000000000"]}), "basic_possible", ""),
    "exchange_excluded": (_ca(applications={"includeApplications": ["All"],
                                            "excludeApplications": ["Office365"]}),
                          "basic_possible", ""),
    "location_scoped": (_ca(locations={"includeLocations": ["All"],
                                       "excludeLocations": ["AllTrusted"]}),
                        "unknown", "scoped by location"),
    "group_scoped": (_ca(users={"includeGroups": ["g-staff"]}),
                     "unknown", "scoped by group or role"),
    "role_excluded": (_ca(users={"includeUsers": ["All"], "excludeRoles": ["r-1"]}),
                      "unknown", "scoped by group or role"),
    "platform_scoped": (_ca(platforms={"includePlatforms": ["android", "iOS"]}),
                        "unknown", "device platform"),
    "client_app_scoped": (_ca(clientApplications={"includeServicePrincipals": ["x"]}),
                          "unknown", "client application"),
    "risk_scoped": (_ca(signInRiskLevels=["high"]), "unknown", "risk levels"),
    "no_target_read": (_ca(applications=None), "basic_possible", ""),
}


@pytest.mark.parametrize("case", list(NOT_OAUTH_ONLY))
def test_conditional_access_is_read_in_full(case):
    policy, state, words = NOT_OAUTH_ONLY[case]
    verdict = resolve(_with_ca(ca_legacy_blocks([policy])))
    assert verdict.state == state, verdict.reason
    assert verdict.state != "oauth_only"
    assert words in verdict.reason


@pytest.mark.parametrize("target", ["All", "Office365", "00000002-0000-0ff1-ce00-000000000000"])
def test_a_full_block_on_exchange_is_oauth_only(target):
    blocks = ca_legacy_blocks([_ca(applications={"includeApplications": [target]},
                                   clientAppTypes=["exchangeActiveSync", "other"])])
    assert resolve(_with_ca(blocks)).state == "oauth_only"


def test_a_narrowed_block_never_outweighs_a_full_one():
    blocks = ca_legacy_blocks([_ca(locations={"excludeLocations": ["AllTrusted"]}),
                               {**_ca(), "displayName": "Block all legacy"}])
    verdict = resolve(_with_ca(blocks))
    assert verdict.state == "oauth_only" and "'Block all legacy'" in verdict.reason
