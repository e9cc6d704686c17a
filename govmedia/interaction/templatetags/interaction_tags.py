from django import template
from django.utils import timezone

register = template.Library()


def _span(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时"
    if hours:
        return f"{hours}小时{mins}分"
    return f"{mins}分钟"


@register.simple_tag
def remaining(case, now=None):
    """“剩 5小时20分” / “已超时 3小时” for open cases; “按时答复” / “超时答复” for answered ones."""
    if case.answered_at is not None:
        return "按时答复" if case.answered_at <= case.deadline else "超时答复"
    seconds = (case.deadline - (now or timezone.now())).total_seconds()
    return f"剩 {_span(seconds)}" if seconds >= 0 else f"已超时 {_span(seconds)}"


@register.filter
def hours(value):
    return "—" if value is None else f"{value} 小时"


@register.filter
def percent(value):
    return "—" if value is None else f"{value * 100:.1f}%"
