"""Alert channels: Slack, Discord, Teams, Mattermost, the generic webhook, and a recorder."""

from worker.alerts.channels.base import Channel
from worker.alerts.channels.registry import build_channel, build_channels, build_http_client

__all__ = ["Channel", "build_channel", "build_channels", "build_http_client"]
