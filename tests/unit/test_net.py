"""The HTTP client's guard against private networks, and its caps."""

from __future__ import annotations

import pytest

from tests.support.loopback import LoopbackServer
from worker.config import FetchConfig
from worker.errors import PermanentError
from worker.net import BlockedAddressError, build_client, fetch, is_public_address


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("0.0.0.0", False),
        ("100.64.0.1", False),  # carrier-grade NAT
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_guarded_client_refuses_loopback(server: LoopbackServer) -> None:
    server.static("/x", "secret")
    with build_client(FetchConfig()) as client, pytest.raises(BlockedAddressError):
        fetch(client, server.url("/x"), max_bytes=1000, deadline_s=2)


def test_guarded_client_refuses_names_resolving_inside(server: LoopbackServer) -> None:
    server.static("/x", "secret")
    url = f"http://localhost:{server.port}/x"
    with build_client(FetchConfig()) as client, pytest.raises(BlockedAddressError):
        fetch(client, url, max_bytes=1000, deadline_s=2)


def test_guard_holds_after_a_redirect(server: LoopbackServer) -> None:
    """Addresses are checked per connection, so a redirect to a forbidden one is refused.

    Only 127.0.0.1 (this server) counts as allowed here; the redirect goes to 127.0.0.2,
    which stands for any private address a public page might redirect to.
    """
    server.static("/r", "", status=302, headers={"Location": f"http://127.0.0.2:{server.port}/x"})
    server.static("/x", "secret")
    only_server = {"127.0.0.1"}.__contains__
    with build_client(FetchConfig(), guarded=True, is_allowed=only_server) as client:
        assert fetch(client, server.url("/x"), max_bytes=100, deadline_s=2).content == b"secret"
        with pytest.raises(BlockedAddressError):
            fetch(client, server.url("/r"), max_bytes=100, deadline_s=2)


def test_cloud_metadata_is_refused() -> None:
    with build_client(FetchConfig()) as client, pytest.raises(BlockedAddressError):
        fetch(client, "http://169.254.169.254/latest/meta-data/", max_bytes=1000, deadline_s=2)


def test_allow_private_networks_opens_the_guard(server: LoopbackServer) -> None:
    server.static("/x", "fine")
    with build_client(FetchConfig(allow_private_networks=True)) as client:
        got = fetch(client, server.url("/x"), max_bytes=1000, deadline_s=2)
    assert got.content == b"fine"


def test_user_agent_identifies_newswatch(server: LoopbackServer) -> None:
    server.static("/x", "ok")
    with build_client(FetchConfig(allow_private_networks=True)) as client:
        fetch(client, server.url("/x"), max_bytes=1000, deadline_s=2)
    assert server.hits("/x")[0].headers["user-agent"].startswith("newswatch/")


def test_declared_length_over_cap_is_refused_before_reading(server: LoopbackServer) -> None:
    server.static("/big", "x" * 5000)
    with (
        build_client(FetchConfig(allow_private_networks=True)) as client,
        pytest.raises(PermanentError) as err,
    ):
        fetch(client, server.url("/big"), max_bytes=1000, deadline_s=2)
    assert err.value.reason == "too_large"
