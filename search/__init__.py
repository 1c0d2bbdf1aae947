"""The portal's search page."""
