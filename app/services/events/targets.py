"""Where a webhook may be sent: no server-side request forgery. A target is https, and every
address its host resolves to is a public one: never loopback, private, link-local (cloud
metadata: 169.254.169.254), shared, multicast, reserved or unspecified. Loopback, over http
too, only when WEBHOOK_ALLOW_LOOPBACK is set (tests, the demo). Checked when a subscription is
created or changed, and again before each delivery (a name may resolve elsewhere by then)."""

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from app.core.errors import FieldError, ProblemError, problem_kind
from app.core.i18n import Text, _, render
from app.settings import Settings

TARGET_REFUSED = problem_kind(
    "webhook-target-refused",
    422,
    _("Webhook target refused"),
    _(
        "A webhook target must be an https URL whose host resolves only to public addresses (not "
        "loopback, private, link-local or cloud-metadata ones)."
    ),
)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(Exception):
    """Why a target may not be called (`reason`, worded when read; `str()` in the language of
    the moment: English in the worker's delivery log)."""

    def __init__(self, reason: Text) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return render(self.reason)


def refused(reason: Text) -> ProblemError:
    return ProblemError(
        TARGET_REFUSED,
        reason,
        errors=[
            FieldError(
                pointer="/url", location="body", message=render(reason), type=TARGET_REFUSED.code
            )
        ],
    )


# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64, the IPv4-compatible
# form): a gateway may forward them to that IPv4 address, so it is judged instead.
_EMBEDS_IPV4 = (
    ipaddress.IPv6Network("64:ff9b::/96"),
    ipaddress.IPv6Network("64:ff9b:1::/48"),
    ipaddress.IPv6Network("::/96"),
)
_SITE_LOCAL = ipaddress.IPv6Network("fec0::/10")


def _allowed(address: Address, settings: Settings) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        if address in _SITE_LOCAL:
            return False
        if address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        elif address.sixtofour is not None:
            address = address.sixtofour
        elif any(address in net for net in _EMBEDS_IPV4) and int(address) >> 32 != 0:
            address = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        elif address in _EMBEDS_IPV4[2]:
            return False  # :: and the IPv4-compatible zeros
    if address.is_loopback:
        return settings.webhook_allow_loopback
    return address.is_global and not address.is_multicast


async def resolve(host: str) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError as error:
        raise TargetRefused(
            _("the host {host} does not resolve: {error}", host=repr(host), error=str(error))
        ) from error
    return [ipaddress.ip_address(info[4][0]) for info in infos]


async def check_target(url: str, settings: Settings) -> list[Address]:
    """The addresses `url` may be called at; TargetRefused when it may not be called."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise TargetRefused(_("the URL names no host"))
    if parts.username or parts.password:
        raise TargetRefused(_("the URL must not carry credentials"))
    if parts.scheme not in ("https", "http"):
        raise TargetRefused(_("the URL must be https"))
    addresses = await resolve(host)
    bad = [a for a in addresses if not _allowed(a, settings)]
    if bad or not addresses:
        raise TargetRefused(
            _(
                "the host {host} resolves to {address}, which is not a public address",
                host=repr(host),
                address=str(bad[0]) if bad else _("nothing"),
            )
        )
    loopback_only = all(a.is_loopback for a in addresses)
    if parts.scheme != "https" and not loopback_only:
        raise TargetRefused(_("the URL must be https"))
    return addresses


async def validate_target(url: str, settings: Settings) -> None:
    """As `check_target`, answering a 422 problem at `/url`."""
    try:
        await check_target(url, settings)
    except TargetRefused as reason:
        raise refused(_("Webhook target refused: {reason}.", reason=reason.reason)) from None
