from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from opsportal.audit import current_actor


@receiver(pre_create_historical_record)
def stamp_door_and_token(sender, history_instance, **kwargs):
    actor = current_actor()
    history_instance.history_door = actor.door
    history_instance.history_token = actor.token
