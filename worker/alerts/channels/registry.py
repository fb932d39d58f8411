"""Build the configured channels once per process: name -> Channel."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from worker.alerts.channels.base import SEND_TIMEOUT, USER_AGENT, Channel, redact_urls_in_httpx_log
from worker.alerts.channels.discord import DiscordChannel
from worker.alerts.channels.mattermost import MattermostChannel
from worker.alerts.channels.recording import RecordingChannel
from worker.alerts.channels.slack import SlackChannel
from worker.alerts.channels.teams import TeamsChannel
from worker.alerts.channels.webhook import WebhookChannel
from worker.config import AlertsConfig, ChannelConfig
from worker.errors import ConfigError

_CHAT: dict[str, Callable[[str, str, httpx.Client], Channel]] = {
    "slack": SlackChannel,
    "discord": DiscordChannel,
    "teams": TeamsChannel,
    "mattermost": MattermostChannel,
}


def build_http_client() -> httpx.Client:
    """The HTTP client for webhooks: short timeouts, no redirects, no retries of its own.

    Webhook URLs are set by the operator, so unlike feed fetching there is no private-address
    guard (a self-hosted Mattermost on the LAN is a normal setup).
    """
    return httpx.Client(
        timeout=SEND_TIMEOUT, follow_redirects=False, headers={"User-Agent": USER_AGENT}
    )


def build_channel(config: ChannelConfig, client: httpx.Client) -> Channel:
    """One channel from its configuration; ConfigError when its URL is missing."""
    if config.type == "recording":
        return RecordingChannel(config.name)
    if config.url is None:
        raise ConfigError(f"alerts.channels.{config.name}.url", f"is required for {config.type}")
    url = config.url.get_secret_value()
    redact_urls_in_httpx_log([url])
    if config.type == "webhook":
        secret = config.secret.get_secret_value() if config.secret else None
        return WebhookChannel(config.name, url, client, secret)
    return _CHAT[config.type](config.name, url, client)


def build_channels(config: AlertsConfig, client: httpx.Client) -> dict[str, Channel]:
    """Every configured channel by name; ConfigError on a duplicate name."""
    channels: dict[str, Channel] = {}
    for channel in config.channels:
        if channel.name in channels:
            raise ConfigError(f"alerts.channels.{channel.name}", "the name is used twice")
        channels[channel.name] = build_channel(channel, client)
    return channels
