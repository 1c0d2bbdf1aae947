import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request activates its user's language for the whole thread; start and end in English."""
    translation.activate("en")
    yield
    translation.activate("en")
