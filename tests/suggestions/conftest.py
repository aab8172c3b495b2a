import pytest

from tests import factories


def grown(organisation, **kwargs):
    """A pupil with a consent in force, so that the consent rule lets them in at any age."""
    person = factories.student(organisation, **kwargs)
    factories.ConsentFactory(person=person)
    return person


@pytest.fixture
def students(world):
    return factories.mentoring_format("ученик – ученик")


@pytest.fixture
def staff(world):
    return factories.mentoring_format("учитель – учитель")
