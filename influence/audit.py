"""Answers are personal data: every change to a response or an answer is in the audit trail, like the
registry's records (registry/audit.py)."""

from auditlog.registry import auditlog

from influence.models import Answer, AnswerLink, Response


def register() -> None:
    # The copies of the template's facts (purpose, role, kind) are bookkeeping; what a person changes is below.
    auditlog.register(Response, include_fields=["template", "participation", "entered_by", "entry_method"])
    auditlog.register(Answer, include_fields=["response", "question", "number_value", "text_value"])
    # A personal link's sending, use and revocation (its deletion); never its token's hash.
    auditlog.register(
        AnswerLink,
        include_fields=["pair", "participation", "purpose", "recipient", "email", "expires_at", "used_at"],
    )
