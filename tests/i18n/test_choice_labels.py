"""get_<field>_display() on tenant-owned rows: labels translated once per language and
process (TenantOwned), still each language's own, and a value outside the choices as is."""

import pytest
from django.utils import translation

from tests.factories import SenderFactory

pytestmark = pytest.mark.django_db


def test_each_language_gets_its_own_labels_from_the_cache(tenant_a):
    sender = SenderFactory(tenant=tenant_a, status="new", device_type="printer")
    for language, status, device in [("en-gb", "New", "Printer / MFD"),
                                      ("cs", "Nový", "Tiskárna / multifunkce"),
                                      ("en-gb", "New", "Printer / MFD")]:
        with translation.override(language):
            assert sender.get_status_display() == status
            assert sender.get_device_type_display() == device
    sender.status = "no-such-status"
    assert sender.get_status_display() == "no-such-status"
