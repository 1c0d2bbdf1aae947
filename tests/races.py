"""Two people save the same name at once: both pass the check, one insert wins."""

from __future__ import annotations


def lose_the_race(monkeypatch, model, field: str) -> list:
    """Let ``model``'s first constraint check pass, as if the rival's row arrived just after it;
    every later check (the one a service asks after the unique index refused) is the real one.
    Returns the ``field`` values checked, in order."""
    checked = []
    check = model.validate_constraints

    def free_when_asked_first(instance, exclude=None):
        checked.append(getattr(instance, field))
        if len(checked) > 1:
            check(instance, exclude)

    monkeypatch.setattr(model, "validate_constraints", free_when_asked_first)
    return checked
