
import pytest

from tests.dashboards.helpers import populate


@pytest.fixture
def data_a(tenant_a):
    return populate(tenant_a)


@pytest.fixture
def data_b(tenant_b):
    return populate(tenant_b)
