"""Reviewers for the three levels of 青山县教育局, on top of the shared world."""

from __future__ import annotations

import pytest

from conftest import make_user
from govmedia.core.models import Role
from govmedia.review.models import Position, ReviewerAssignment

CLEAN_BODY = "青山县教育局开展秋季开学安全检查，确保师生平安。"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff(world):
    """一审 editor_a2, 二审 reviewer_a, 三审 deputy_a, unit head head_a — all of 青山县教育局."""
    unit = world.dept_a
    world.editor_a2 = make_user("editor_a2", Role.EDITOR, unit)
    world.deputy_a = make_user("deputy_a", Role.REVIEWER, unit)
    world.head_a = make_user("head_a", Role.REVIEWER, unit)
    world.editor_b = make_user("editor_b", Role.EDITOR, world.dept_b)
    world.editor_a_other = make_user("editor_mz", Role.EDITOR, world.dept_a2)
    for position, user in [
        (Position.FIRST, world.editor_a2),
        (Position.SECOND, world.reviewer_a),
        (Position.THIRD, world.deputy_a),
        (Position.HEAD, world.head_a),
    ]:
        ReviewerAssignment.objects.create(unit=unit, position=position, user=user)
    return world


@pytest.fixture
def make_draft(staff):
    from govmedia.review import services

    def _make(title="秋季开学安全检查", body=CLEAN_BODY, level="routine", author=None, **extra):
        return services.do_create_review(
            acting_user=author or staff.editor_a,
            title=title,
            body=body,
            account_ids=[staff.account_a.pk],
            chosen_level=level,
            **extra,
        )

    return _make


ALL_ELEMENTS = ["political", "policy", "business", "legal", "wording", "secrecy", "opinion"]
