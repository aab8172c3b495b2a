from django.apps import AppConfig


class RegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registry"
    verbose_name = "Реестр наставничества"

    def ready(self) -> None:
        from registry import audit, freshness, throttle  # noqa: F401 — throttle counts failed logins
        from registry.models import Consent, Meeting, MentoringPair, MentoringProgram, PairMentee, Person

        audit.register()
        # Each save renews its organisation's data version of a topic (registry/freshness.py).
        freshness.follow(Person, freshness.PEOPLE)
        freshness.follow(Consent, freshness.CONSENTS)
        freshness.follow(MentoringPair, freshness.PAIRS)
        freshness.follow(PairMentee, freshness.PAIRS)
        # «Pairs without meetings» (the data-quality check) reads the meetings log.
        freshness.follow(Meeting, freshness.PAIRS)
        # A program's dates count in the indicators (the number of programs running in a year).
        freshness.follow(MentoringProgram, freshness.PROGRAMS)
