# The markets and the team (Country, TeamMembership, StaffProfile and their roles) live on the
# floor (opsportal.models, opsportal.roles); they are re-exported here for the domain apps.
from opsportal.models import Country, StaffProfile, TeamMembership
from opsportal.roles import Background, HQAccess, Role

from .government import (
    GovernmentCommitment,
    GovernmentContact,
    GovernmentInteraction,
    RegulatoryIncident,
)
from .markets import CulturalMoment, CulturalMomentOccurrence
from .requests import ItemAction, RegulatorRequest, RequestItem, RequestKind, RequestStatus

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
