import pytest


@pytest.fixture(autouse=True)
def _receiver_on_loopback(settings):
    # The test receiver listens on 127.0.0.1, which production refuses (see test_private_addresses).
    settings.OPSPORTAL_WEBHOOKS_ALLOW_PRIVATE = True
