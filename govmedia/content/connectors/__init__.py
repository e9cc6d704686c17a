"""Platform connectors: one strategy class per platform behind ``base.Connector``."""

from __future__ import annotations

from govmedia.content.connectors.base import Connector, ConnectorError, MessageData, Page, PostData
from govmedia.content.connectors.wechat import WeChatConnector

CONNECTORS: dict[str, type[Connector]] = {
    "wechat_service": WeChatConnector,
    "wechat_subscription": WeChatConnector,
}


def connector_for(platform: str) -> type[Connector] | None:
    return CONNECTORS.get(platform)


__all__ = ["CONNECTORS", "Connector", "ConnectorError", "MessageData", "Page", "PostData", "connector_for"]
