def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unit = user.unit
    return {"nav_role": user.get_role_display(), "nav_unit": unit.name if unit else "（未分配单位）"}
