"""Only through CloudFront: with TWIN_ORIGIN_SECRET set, a request to /api must carry a header.

The secret guards the API, the part that costs money and holds conversations. The page's files
(served by `twin run` beside the API; from S3 on AWS) are public, so they are not refused: on AWS
API Gateway routes only `/api/*` to the function, so the scope changes nothing there.
"""

from __future__ import annotations

import hmac

from flask import Flask, request

from .errors import Forbidden

# CloudFront adds this header to every request it sends to the API (infra/origin.py).
HEADER = "X-Origin-Verify"


def register_origin_check(app: Flask, secret: str) -> None:
    """Refuse, before any route runs, a request whose header is missing or wrong."""
    expected = secret.encode()

    @app.before_request
    def _only_through_cloudfront() -> None:
        if request.path != "/api" and not request.path.startswith("/api/"):
            return
        given = request.headers.get(HEADER, "").encode()
        # Constant time, so the secret cannot be guessed a byte at a time from response times.
        if not hmac.compare_digest(given, expected):
            raise Forbidden()
