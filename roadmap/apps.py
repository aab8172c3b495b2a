from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "roadmap"
    verbose_name = "Дорожные карты"

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models.signals import post_save

        from registry.models import Organisation
        from roadmap import models, services

        # Who changed a roadmap, an item or an execution mark, and from what to what.
        auditlog.register(models.Roadmap, exclude_fields=["version", "updated_at"])
        auditlog.register(models.Section)
        auditlog.register(models.RoadmapItem, exclude_fields=["version", "schedule"])
        auditlog.register(models.Occurrence, exclude_fields=["version", "updated_at", "label", "start", "orphaned"])

        def new_organisation(sender, instance, created, raw=False, **kwargs) -> None:
            if created and not raw:
                services.sync_organisation(instance)

        post_save.connect(new_organisation, sender=Organisation, dispatch_uid="roadmap_new_organisation")
