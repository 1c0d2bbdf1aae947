from .government import (
    GovernmentCommitment,
    GovernmentContact,
    GovernmentInteraction,
    RegulatoryIncident,
)
from .markets import Country, CulturalMoment, CulturalMomentOccurrence
from .team import Background, HQAccess, Role, StaffProfile, TeamMembership

__all__ = [
    "Background",
    "Country",
    "CulturalMoment",
    "CulturalMomentOccurrence",
    "GovernmentCommitment",
    "GovernmentContact",
    "GovernmentInteraction",
    "HQAccess",
    "RegulatoryIncident",
    "Role",
    "StaffProfile",
    "TeamMembership",
]
