"""Crossover and view-target events: the owner is told in the portal and by email, and webhook
subscribers get an event, once per record (``Milestone`` rows)."""
