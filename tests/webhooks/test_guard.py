"""The webhook address guard."""

from __future__ import annotations

import pytest

from docsort.webhooks.guard import AllowList, UnsafeWebhookUrl, check_webhook_url


def _resolver(*addresses: str):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolve


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("192.168.1.20", "private"),
        ("172.16.5.4", "private"),
        ("169.254.169.254", "metadata"),
        ("169.254.10.1", "link-local"),
        ("::1", "loopback"),
        ("fd00:ec2::254", "metadata"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
    ],
)
def test_internal_addresses_are_refused(address: str, reason: str) -> None:
    with pytest.raises(UnsafeWebhookUrl, match=reason):
        check_webhook_url("https://hooks.example/x", AllowList(), _resolver(address))


def test_a_name_resolving_to_public_and_private_addresses_is_refused() -> None:
    with pytest.raises(UnsafeWebhookUrl, match="private"):
        check_webhook_url(
            "https://mixed.example", AllowList(), _resolver("93.184.216.34", "10.1.1.1")
        )


def test_public_addresses_pass_and_the_allow_list_opens_internal_ones() -> None:
    check_webhook_url("https://hooks.example/x", AllowList(), _resolver("93.184.216.34"))
    allow = AllowList.parse("127.0.0.0/8, receiver.internal ,10.2.0.0/16")
    check_webhook_url("http://127.0.0.1:8080/hook", allow)
    check_webhook_url("http://receiver.internal/hook", allow, _resolver("10.9.9.9"))
    check_webhook_url("http://x.internal/hook", allow, _resolver("10.2.3.4"))
    with pytest.raises(UnsafeWebhookUrl):
        check_webhook_url("http://x.internal/hook", allow, _resolver("10.3.3.4"))


def test_only_http_and_https_with_a_resolvable_host() -> None:
    for url in ("ftp://example.com/x", "file:///etc/passwd", "gopher://x", "https:///nohost"):
        with pytest.raises(UnsafeWebhookUrl):
            check_webhook_url(url, AllowList(), _resolver("93.184.216.34"))

    def broken(host: str, port: int) -> list[str]:
        raise OSError("no such host")

    with pytest.raises(UnsafeWebhookUrl, match="does not resolve"):
        check_webhook_url("https://nowhere.invalid", AllowList(), broken)
