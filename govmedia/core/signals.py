from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from govmedia.core import calendar
from govmedia.core.models import CalendarYear, HolidayOverride


@receiver([post_save, post_delete], sender=HolidayOverride)
@receiver([post_save, post_delete], sender=CalendarYear)
def _calendar_changed(**kwargs) -> None:
    calendar.clear_cache()
