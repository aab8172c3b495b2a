"""Answers are personal data: every change to a response or an answer is in the audit trail, like the
registry's records (registry/audit.py)."""

from auditlog.registry import auditlog

from influence.models import Answer, AnswerLink, MenteeOutcome, Question, QuestionnaireTemplate, Response


def register() -> None:
    # The copies of the template's facts (purpose, role, kind) are bookkeeping; what a person changes is below.
    auditlog.register(Response, include_fields=["template", "participation", "entered_by", "entry_method"])
    auditlog.register(Answer, include_fields=["response", "question", "number_value", "text_value"])
    # A department's own versions of the questionnaires, as its methodist makes and edits them.
    auditlog.register(
        QuestionnaireTemplate,
        include_fields=["purpose", "role", "title", "version", "department"],
        m2m_fields={"formats"},
    )
    auditlog.register(
        Question, include_fields=["template", "order", "text", "kind", "choices", "required", "growth_group"]
    )
    # A personal link's sending, use and revocation (its deletion); never its token's hash.
    auditlog.register(
        AnswerLink,
        include_fields=["pair", "participation", "purpose", "recipient", "email", "expires_at", "used_at"],
    )
    # A mentee's outcomes of a school year, as entered or uploaded.
    auditlog.register(
        MenteeOutcome,
        include_fields=[
            "participation",
            "school_year",
            "vpr_passed",
            "oge_passed",
            "ege_passed",
            "mark_before",
            "mark_after",
            "olympiads",
            "olympiad_result",
            "comment",
            "entered_by",
        ],
    )
