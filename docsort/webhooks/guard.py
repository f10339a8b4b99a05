"""The address guard: webhooks may not point docsort at loopback, private or metadata addresses."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Iterable[str]]

METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)


class UnsafeWebhookUrl(ValueError):
    """A webhook URL docsort refuses to call, with the reason."""


class UnresolvedWebhookHost(UnsafeWebhookUrl):
    """The webhook's host name does not resolve (now): worth trying again later."""


@dataclass(frozen=True)
class AllowList:
    """Networks and host names a webhook may reach although they are internal."""

    networks: tuple[IpNetwork, ...] = ()
    hosts: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str) -> AllowList:
        """From the setting: comma-separated CIDRs (or addresses) and host names."""
        networks: list[IpNetwork] = []
        hosts: set[str] = set()
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                hosts.add(part.lower())
        return cls(tuple(networks), frozenset(hosts))

    def allows(self, host: str, address: IpAddress) -> bool:
        """Whether the host name or its address is explicitly allowed."""
        return host.lower() in self.hosts or any(address in net for net in self.networks)


def check_webhook_url(
    url: str, allow: AllowList, resolve: Resolver | None = None
) -> list[IpAddress]:
    """The addresses `url` resolves to; raise UnsafeWebhookUrl unless it is http(s) and every
    one of them is public (or allowed)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeWebhookUrl("webhook_url must be an http:// or https:// URL")
    host = parts.hostname
    if not host:
        raise UnsafeWebhookUrl("webhook_url has no host")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = [ipaddress.ip_address(a) for a in (resolve or _resolve)(host, port)]
    except (OSError, ValueError) as exc:
        raise UnresolvedWebhookHost(f"the webhook host {host!r} does not resolve") from exc
    if not addresses:
        raise UnresolvedWebhookHost(f"the webhook host {host!r} does not resolve")
    for address in addresses:
        reason = _internal(address)
        if reason and not allow.allows(host, address):
            raise UnsafeWebhookUrl(
                f"webhook_url {host!r} resolves to {reason} address {address}; allow it with "
                "DOCSORT_WEBHOOK_ALLOWED_NETWORKS if that receiver is yours"
            )
    return addresses


def _internal(address: IpAddress) -> str | None:
    if address in METADATA_ADDRESSES:
        return "a cloud metadata"
    checks: list[tuple[str, Any]] = [
        ("an unspecified", address.is_unspecified),
        ("a loopback", address.is_loopback),
        ("a link-local", address.is_link_local),
        ("a private", address.is_private),
        ("a multicast", address.is_multicast),
        ("a reserved", address.is_reserved),
    ]
    for name, flag in checks:
        if flag:
            return name
    return None


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})
