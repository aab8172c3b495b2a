from django.utils.functional import SimpleLazyObject

from region import access


class _RegionNav:
    """What the menu shows of the region, read only when a template asks (a query, never on most pages)."""

    def __init__(self, user) -> None:
        self.coordinates = bool(access.coordinated_regions(user))
        self.answers = bool(access.answering_departments(user)) if user.is_authenticated else False


def region(request) -> dict:
    if not hasattr(request, "user"):
        return {}
    return {"region_nav": SimpleLazyObject(lambda: _RegionNav(request.user))}
