from django import template

from govmedia.content.selectors import account_panel

register = template.Library()


@register.inclusion_tag("content/_account_panel.html")
def account_posts_panel(account):
    """Posts, health and trend for an account the calling view has already fetched through the scope."""
    return account_panel(account)
