"""Reminders: rules that find what is due in each country's local time, and their deliveries."""
