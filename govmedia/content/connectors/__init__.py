"""Platform connectors: one strategy class per platform behind ``base.Connector``."""

from __future__ import annotations

from govmedia.content.connectors.base import Connector, ConnectorError, MessageData, Page, PostData
from govmedia.content.connectors.douyin import DouyinConnector
from govmedia.content.connectors.kuaishou import KuaishouConnector
from govmedia.content.connectors.wechat import WeChatConnector
from govmedia.content.connectors.weibo import WeiboConnector

CONNECTORS: dict[str, type[Connector]] = {
    "wechat_service": WeChatConnector,
    "wechat_subscription": WeChatConnector,
    "weibo": WeiboConnector,
    "douyin": DouyinConnector,
    "kuaishou": KuaishouConnector,
}


def connector_for(platform: str) -> type[Connector] | None:
    return CONNECTORS.get(platform)


__all__ = ["CONNECTORS", "Connector", "ConnectorError", "MessageData", "Page", "PostData", "connector_for"]
