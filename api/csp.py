"""The security headers the chat page is served with, shared by the local server and CloudFront."""

from __future__ import annotations

import re
from collections.abc import Iterable

# One policy, read by `twin run` (as a response header) and by the Pulumi program (as a
# CloudFront response headers policy), so the page is tested under the policy it ships with.
# Only frame-ancestors varies: it lists the owner's sites that may show the page (embed.js).
_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"
)

REFERRER_POLICY = "strict-origin-when-cross-origin"

# A site that may frame the twin: scheme, host (`*.` for any subdomain) and port, nothing else.
# Entries go into a header, so a `;`, a quote or a space could never add a directive.
EMBED_ORIGIN = re.compile(
    r"^https?://(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*"
    r"(:\d{1,5})?$"
)
# A handful of sites is what an owner has; the cap keeps the header far below CloudFront's limit.
MAX_EMBED_ORIGINS = 10


def parse_embed_origins(entries: Iterable[str]) -> tuple[str, ...]:
    """Trim, lower-case and check origins for frame-ancestors; ValueError names the bad entry."""
    origins: list[str] = []
    for entry in entries:
        origin = entry.strip().lower()
        if not origin or origin in origins:
            continue
        if not EMBED_ORIGIN.match(origin):
            raise ValueError(f"entries must look like https://www.example.com, got {entry!r}")
        origins.append(origin)
    if len(origins) > MAX_EMBED_ORIGINS:
        raise ValueError(f"lists {len(origins)} origins; at most {MAX_EMBED_ORIGINS} are allowed")
    return tuple(origins)


def content_security_policy(embed_origins: Iterable[str] = ()) -> str:
    """The page's CSP: nobody may frame it ('none') unless the owner listed their sites."""
    ancestors = " ".join(parse_embed_origins(embed_origins)) or "'none'"
    return _POLICY.format(ancestors=ancestors)


def page_security_headers(embed_origins: Iterable[str] = ()) -> dict[str, str]:
    """Headers every page response carries; CloudFront's response headers policy sets the same."""
    origins = parse_embed_origins(embed_origins)
    headers = {
        "Content-Security-Policy": content_security_policy(origins),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": REFERRER_POLICY,
    }
    if origins:
        # X-Frame-Options has no allow-list and DENY would still block the owner's sites, so
        # with embedding on, frame-ancestors alone decides (browsers prefer it when both exist).
        del headers["X-Frame-Options"]
    return headers


CONTENT_SECURITY_POLICY = content_security_policy()
PAGE_SECURITY_HEADERS = page_security_headers()
