"""Goals and external figures in the admin: written through the services (goals need
``goals.edit`` in their country, like every other door: ``opsportal.access.WRITE_PERMS``)."""

from django.contrib import admin

from opsportal.admin_mixins import ScopedHistoryAdmin
from opsportal.admin_writes import writes_through

from .models import CountryGoal, ExternalFigure
from .services import external_figure_delete, external_figure_save, goal_delete, goal_save


@admin.register(CountryGoal)
class CountryGoalAdmin(ScopedHistoryAdmin):
    list_display = ["metric", "country", "year", "quarter", "target", "note"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter), "year", "quarter", "metric"]
    search_fields = ["note", "country__name"]
    autocomplete_fields = ["country"]
    list_select_related = ["country"]
    fields = ["country", "year", "quarter", "metric", "target", "note"]


@admin.register(ExternalFigure)
class ExternalFigureAdmin(ScopedHistoryAdmin):
    list_display = ["metric", "country", "measured_on", "value", "source", "entered_by"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter), "metric"]
    search_fields = ["source", "country__name"]
    autocomplete_fields = ["country"]
    list_select_related = ["country", "entered_by"]
    date_hierarchy = "measured_on"
    fields = ["country", "metric", "measured_on", "value", "source"]


writes_through(CountryGoal, goal_save, goal_delete)
writes_through(ExternalFigure, external_figure_save, external_figure_delete)
