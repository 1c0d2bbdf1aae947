"""A subscriber must not make OpsPortal probe its own network."""

import pytest

from opsportal.access import access_for_user
from webhooks import services


@pytest.fixture(autouse=True)
def _production_rule(settings):
    settings.OPSPORTAL_WEBHOOKS_ALLOW_PRIVATE = False


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/x",
        "https://[::1]/x",
        "https://169.254.169.254/",
    ],
)
def test_subscription_to_an_internal_address_is_refused(url, id_lead, indonesia):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.subscription_validate(
            access_for_user(id_lead),
            url=url,
            event_types=["challenge.went_live"],
            countries=[indonesia],
            allow_government=False,
        )
    assert "url" in caught.value.message_dict


def test_delivery_to_a_host_resolving_to_loopback_is_refused():
    status, error = services.post("http://localhost:9/hook", b"{}", {})
    assert status is None and "loopback or private" in error
