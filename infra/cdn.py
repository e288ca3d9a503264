"""The CloudFront distribution: the site by default, `/api/*` to the HTTP API, one origin."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from api.csp import page_security_headers
from api.origin import HEADER as ORIGIN_HEADER  # CloudFront sends the header the app checks
from infra.settings import Settings

# AWS managed policies, referenced by their fixed IDs.
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
ALL_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
TWO_YEARS = 63072000


def security_headers(settings: Settings) -> aws.cloudfront.ResponseHeadersPolicy:
    """The headers every response carries: the ones the local server sends, from api/csp.py."""
    page = page_security_headers(settings.embed_origins)
    config: dict = {
        "content_security_policy": {
            "content_security_policy": page["Content-Security-Policy"],
            "override": True,
        },
        "content_type_options": {"override": True},
        "referrer_policy": {"referrer_policy": page["Referrer-Policy"], "override": True},
        "strict_transport_security": {
            "access_control_max_age_sec": TWO_YEARS,
            "include_subdomains": True,
            "preload": False,
            "override": True,
        },
    }
    if "X-Frame-Options" in page:
        # Absent when twin:embedOrigins lists sites: frame-ancestors then says who may frame.
        config["frame_options"] = {"frame_option": page["X-Frame-Options"], "override": True}
    return aws.cloudfront.ResponseHeadersPolicy(
        f"{settings.prefix}-headers",
        name=f"{settings.prefix}-security-headers",
        comment="Security headers for the twin page and API",
        security_headers_config=config,
    )


def distribution(
    settings: Settings,
    site_bucket: aws.s3.Bucket,
    api_endpoint: pulumi.Output[str],
    origin_secret: pulumi.Input[str],
    certificate_arn: pulumi.Output[str] | None = None,
    web_acl_arn: pulumi.Input[str] | None = None,
) -> aws.cloudfront.Distribution:
    """Create the distribution; with a certificate it also answers on the custom domain."""
    access = aws.cloudfront.OriginAccessControl(
        f"{settings.prefix}-site-access",
        name=f"{settings.prefix}-site",
        description="CloudFront reads the private site bucket",
        origin_access_control_origin_type="s3",
        signing_behavior="always",
        signing_protocol="sigv4",
    )
    headers = security_headers(settings)
    if certificate_arn is None:
        viewer_certificate: dict = {"cloudfront_default_certificate": True}
    else:
        viewer_certificate = {
            "acm_certificate_arn": certificate_arn,
            "ssl_support_method": "sni-only",
            "minimum_protocol_version": "TLSv1.2_2021",
        }
    return aws.cloudfront.Distribution(
        f"{settings.prefix}-cdn",
        comment=f"twin {settings.stack}",
        enabled=True,
        is_ipv6_enabled=True,
        http_version="http2and3",
        price_class=settings.price_class,
        aliases=[settings.domain] if certificate_arn is not None and settings.domain else None,
        default_root_object="index.html",
        origins=[
            {
                "origin_id": "site",
                "domain_name": site_bucket.bucket_regional_domain_name,
                "origin_access_control_id": access.id,
            },
            {
                "origin_id": "api",
                "domain_name": api_endpoint.apply(lambda url: url.removeprefix("https://")),
                # The API answers only requests that carry it (api/origin.py).
                "custom_headers": [{"name": ORIGIN_HEADER, "value": origin_secret}],
                "custom_origin_config": {
                    "http_port": 80,
                    "https_port": 443,
                    "origin_protocol_policy": "https-only",
                    "origin_ssl_protocols": ["TLSv1.2"],
                },
            },
        ],
        default_cache_behavior={
            "target_origin_id": "site",
            "viewer_protocol_policy": "redirect-to-https",
            "allowed_methods": ["GET", "HEAD"],
            "cached_methods": ["GET", "HEAD"],
            "compress": True,
            "cache_policy_id": CACHING_OPTIMIZED,
            "response_headers_policy_id": headers.id,
        },
        # No custom error responses: they would apply to /api/* too, and the page has no
        # client-side routes, so a missing path stays an honest error.
        ordered_cache_behaviors=[
            {
                "path_pattern": "/api/*",
                "target_origin_id": "api",
                "viewer_protocol_policy": "https-only",
                "allowed_methods": ALL_METHODS,
                "cached_methods": ["GET", "HEAD"],
                "compress": True,
                "cache_policy_id": CACHING_DISABLED,
                "origin_request_policy_id": ALL_VIEWER_EXCEPT_HOST_HEADER,
                "response_headers_policy_id": headers.id,
            }
        ],
        restrictions={"geo_restriction": {"restriction_type": "none"}},
        viewer_certificate=viewer_certificate,
        web_acl_id=web_acl_arn,
        tags=settings.tags,
    )
