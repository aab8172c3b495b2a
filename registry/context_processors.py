from registry.access import scope_for


def access(request) -> dict:
    """The user's scope for the navigation: which menu items a role sees."""
    return {"access": scope_for(request.user)} if hasattr(request, "user") else {}
