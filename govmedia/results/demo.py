"""Demo results for 示例市: weekly inspections published, rectifications (one accepted, some
overdue) and a published bulletin. Deterministic (weeks counted back from today) and idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from govmedia.core.models import User
from govmedia.registry.models import Unit
from govmedia.results import bulletins, services
from govmedia.results.models import Bulletin, BulletinStatus, Rectification
from govmedia.supervision.indicators import resolve
from govmedia.supervision.models import Finding, FindingStatus, IndicatorKind, Inspection, InspectionStatus
from govmedia.supervision.services import do_publish_inspection, run_inspection

WEEKS = 4
DEMO_SET = "demo-city-2026"


def _weekly(city_gov: Unit, indicator_set, week_end: dt.date, supervisor) -> Inspection:
    start = week_end - dt.timedelta(days=6)
    existing = (
        Inspection.objects.filter(
            period_start=start,
            period_end=week_end,
            scope_unit=city_gov,
            indicator_set__code=indicator_set.code,
        )
        .order_by("-version")
        .first()
    )
    inspection = existing or run_inspection(
        start=start,
        end=week_end,
        indicator_set=indicator_set,
        scope_unit=city_gov,
        acting_user=supervisor,
        title=f"{start.year}年第{start.isocalendar()[1]}周全市政务新媒体检查",
    )
    if inspection.status != InspectionStatus.PUBLISHED:
        do_publish_inspection(inspection, acting_user=supervisor)
    return inspection


def build_demo_results() -> str:
    city_gov = Unit.objects.filter(name="示例市人民政府").first()
    city = User.objects.filter(username="city").first()
    county = User.objects.filter(username="qingshan").first()
    if city_gov is None or city is None or county is None:
        return "整改通报：演示地区不存在，跳过。"
    if Bulletin.objects.filter(issuer=city.unit, status=BulletinStatus.PUBLISHED).exists():
        return (
            f"整改通报：已存在（{Rectification.objects.count()} 份整改通知，"
            f"{Bulletin.objects.count()} 份通报）。"
        )
    today = timezone.localdate()
    last_sunday = today - dt.timedelta(days=today.weekday() + 1)
    indicator_set = resolve(DEMO_SET)
    with transaction.atomic():
        inspections = [
            _weekly(city_gov, indicator_set, last_sunday - dt.timedelta(weeks=n), city)
            for n in reversed(range(WEEKS))
        ]
        latest = inspections[-1]
        county_path = county.unit.region.path
        live = Finding.objects.filter(
            status=FindingStatus.OPEN,
            kind=IndicatorKind.VETO,
            account__owner__region__path__startswith=county_path,
        ).select_related("account__owner")
        findings = list(live.order_by("account__owner__name", "id"))
        if findings:
            # two weeks ago: the first half was sent, so its deadline has passed by now
            half = max(1, len(findings) // 2)
            sent_early = services.do_send_rectifications(
                findings[:half],
                acting_user=county,
                demand="请立即恢复更新并加强日常维护。",
                today=last_sunday - dt.timedelta(days=13),
            )
            later = (
                services.do_send_rectifications(
                    findings[half:], acting_user=county, demand="请于期限内整改到位。", exposed=True
                )
                if findings[half:]
                else []
            )
            if sent_early:
                first = sent_early[0]
                editor = (
                    User.objects.filter(unit=first.unit, role="editor").first()
                    or User.objects.filter(username="admin").first()  # 管理员代录
                )
                if services.may_answer(editor, first):
                    services.do_answer_rectification(
                        first,
                        acting_user=editor,
                        answer="已恢复更新，发布原创信息3条，并明确专人每日巡查。",
                        link="https://example.com/qingshan/notice",
                    )
                    services.do_decide_rectification(
                        first, acting_user=county, accept=True, comment="整改到位"
                    )
            services.remind_overdue(today)
            sent = len(sent_early) + len(later)
        else:
            sent = 0
        bulletin = bulletins.do_create_bulletin(latest, acting_user=city)
        bulletins.do_approve_bulletin(bulletin, acting_user=city)
        bulletins.do_publish_bulletin(bulletin, acting_user=city)
    return (
        f"整改通报：{len(inspections)} 次周检查已发布，下发整改通知 {sent} 份，"
        f"发布通报《{bulletin.title}》（{bulletin.number}）。"
    )
