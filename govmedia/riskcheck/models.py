"""A region's additions to the national risk-check dictionaries, editable by an administrator.

The engine (``govmedia.textcheck``) ships the national data; these rows add a region's own
leaders and titles, banned words, renamed local bodies, typos and the allow-list of published
phone numbers and domains (004_…txt §9.2.3 风险辅助识别).
"""

from django.db import models


class TermKind(models.TextChoices):
    LEADER = "leader", "本地领导人及职务"
    BANNED = "banned", "禁用词"
    ALLOW = "allow", "白名单（公开电话、域名、固定名称）"
    INSTITUTION = "institution", "已撤销或更名的机构"
    EXPRESSION = "expression", "规范表述"
    TYPO = "typo", "易错词"


class CheckTerm(models.Model):
    region = models.ForeignKey(
        "registry.Region",
        verbose_name="适用区划",
        on_delete=models.CASCADE,
        related_name="check_terms",
        help_text="对该区划及其下级区划生效",
    )
    kind = models.CharField("类别", max_length=16, choices=TermKind.choices)
    term = models.CharField("词语", max_length=100, help_text="领导人填姓名；白名单填电话、域名或固定名称")
    office = models.CharField("职务", max_length=100, blank=True, help_text="仅领导人：如“示例市市长”")
    suggestion = models.CharField("建议改为", max_length=200, blank=True)
    valid_from = models.DateField("生效日期", null=True, blank=True)
    valid_until = models.DateField("失效日期", null=True, blank=True)
    source = models.CharField("依据", max_length=200, blank=True, help_text="文件名称或文号")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "本地词库条目"
        verbose_name_plural = "本地词库"
        ordering = ["region__path", "kind", "term"]
        constraints = [
            models.UniqueConstraint(fields=["region", "kind", "term", "office"], name="check_term_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.term}"

    def audit_scope(self) -> tuple[str, int | None]:
        return self.region.path, None
