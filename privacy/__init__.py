"""Personal data: export, erasure, signing out everywhere."""
