"""Views, one module per part of the registry; registry/urls.py maps them."""
