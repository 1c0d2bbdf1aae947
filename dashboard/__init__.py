"""The portal's cross-domain pages: dashboard, HQ overview, calendar."""
