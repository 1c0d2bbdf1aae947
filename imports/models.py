from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsportal.scope import CountryScopedManager


class ImportKindChoice(models.TextChoices):
    INFLUENCERS = "influencers", _("Influencers")
    CHALLENGES = "challenges", _("Challenges")
    METRICS = "metrics", _("Challenge metric snapshots")
    EVENTS = "events", _("Events with tasks")
    GOVERNMENT_CONTACTS = "government_contacts", _("Government contacts")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Waiting for the column mapping")
    QUEUED = "queued", _("Queued")
    PREVIEWING = "previewing", _("Checking the file")
    PREVIEWED = "previewed", _("Ready to confirm")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    REFUSED = "refused", _("Refused: nothing imported")
    FAILED = "failed", _("Failed")


RUNNING = (ImportStatus.QUEUED, ImportStatus.PREVIEWING, ImportStatus.IMPORTING)


def upload_path(job, filename: str) -> str:
    # The name on disk is ours: the person's file name is kept in ``original_name`` only.
    return f"imports/{timezone.now():%Y/%m}/{job.token}.{job.file_format or 'bin'}"


class ImportJob(models.Model):
    """One uploaded file on its way in: mapping, preview (dry run), then the import itself."""

    token = models.CharField(_("token"), max_length=32, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ImportKindChoice.choices)
    country = models.ForeignKey(
        "opsportal.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Rows without a country go here; rows naming another are refused."),
    )
    file = models.FileField(_("file"), upload_to=upload_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=8)
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    file_size = models.PositiveBigIntegerField(_("size"), default=0)
    headers = models.JSONField(_("columns in the file"), default=list, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    skip_errors = models.BooleanField(_("skip rows with errors"), default=False)
    dry_run = models.BooleanField(_("preview only"), default=True)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows read"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = CountryScopedManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_name}"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING

    @property
    def refused_rows(self) -> int:
        return int((self.counts or {}).get("error", 0))


class ImportMapping(models.Model):
    """The last column mapping a person confirmed for a kind, offered again next time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="import_mappings"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ImportKindChoice.choices)
    mapping = models.JSONField(_("column mapping"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("remembered column mapping")
        verbose_name_plural = _("remembered column mappings")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="import_mapping_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"
