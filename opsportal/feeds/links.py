"""Absolute links back to the portal, for calendar entries and webhook payloads."""

from opsportal.links import record_path as portal_path
from opsportal.links import record_url as portal_url

__all__ = ["portal_path", "portal_url"]
