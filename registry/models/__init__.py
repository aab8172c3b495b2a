"""The registry's models, one module per part of the domain.

hierarchy: departments, organisations, users and their roles
reference: the lists a methodist extends (forms, role models, kinds, meeting kinds)
people:    mentors and mentees (one Person can be both) and their consents
privacy:   the access log of personal data and the records of erasures
pairs:     programs, pairs and groups, participations, meetings
"""

from registry.models.hierarchy import (
    EducationDepartment,
    Membership,
    Organisation,
    OrganisationKind,
    Region,
    RegionalCoordinator,
    Role,
    User,
    code_validator,
)
from registry.models.pairs import (
    CompletionMark,
    Meeting,
    MentoringPair,
    MentoringProgram,
    PairMentee,
    PairStage,
    PairStatus,
)
from registry.models.people import Consent, ConsentGiver, Person, PersonCategory
from registry.models.privacy import AccessKind, Erasure, ErasureReason, PersonalDataAccess
from registry.models.reference import (
    MeetingKind,
    MentoringFormat,
    MentoringKind,
    Participants,
    RoleModel,
)

__all__ = [
    "AccessKind",
    "Erasure",
    "ErasureReason",
    "PersonalDataAccess",
    "CompletionMark",
    "Consent",
    "ConsentGiver",
    "EducationDepartment",
    "Meeting",
    "MeetingKind",
    "Membership",
    "MentoringFormat",
    "MentoringKind",
    "MentoringPair",
    "MentoringProgram",
    "Organisation",
    "OrganisationKind",
    "PairMentee",
    "PairStage",
    "PairStatus",
    "Participants",
    "Person",
    "PersonCategory",
    "Region",
    "RegionalCoordinator",
    "Role",
    "RoleModel",
    "User",
    "code_validator",
]
