from .government import (
    GovernmentCommitment,
    GovernmentContact,
    GovernmentInteraction,
    RegulatoryIncident,
)
from .markets import Country, CulturalMoment, CulturalMomentOccurrence
from .requests import ItemAction, RegulatorRequest, RequestItem, RequestKind, RequestStatus
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
    "ItemAction",
    "RegulatorRequest",
    "RegulatoryIncident",
    "RequestItem",
    "RequestKind",
    "RequestStatus",
    "Role",
    "StaffProfile",
    "TeamMembership",
]
