"""The site bucket and every file of `site/` (plus the persona's avatar) uploaded into it."""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_aws as aws

from api.persona import find_avatar
from infra.buckets import PrivateBucket, private_bucket
from infra.settings import PROJECT_DIR, Settings
from infra.site_files import plan_site

SITE_DIR = PROJECT_DIR / "site"


def site_bucket(settings: Settings, site_dir: Path = SITE_DIR) -> PrivateBucket:
    """Create the private site bucket and upload the page with explicit types and caching."""
    site = private_bucket(f"{settings.prefix}-site", settings)
    for file in plan_site(site_dir, find_avatar(settings.persona_dir)):
        aws.s3.BucketObjectv2(
            f"{settings.prefix}-site/{file.key}",
            bucket=site.bucket.id,
            key=file.key,
            source=pulumi.FileAsset(str(file.source)) if file.source else None,
            content=file.text,
            content_type=file.content_type,
            cache_control=file.cache_control,
            tags=settings.tags,
            opts=site.child_options(depends_on=site.guards),
        )
    return site


def allow_distribution(site: PrivateBucket, distribution: aws.cloudfront.Distribution,
                       settings: Settings) -> aws.s3.BucketPolicy:
    """Let exactly this stack's distribution read the site, through Origin Access Control."""
    this_distribution = {"StringEquals": {"AWS:SourceArn": distribution.arn}}
    cloudfront = {"Service": "cloudfront.amazonaws.com"}
    return site.set_policy(
        f"{settings.prefix}-site-policy",
        {
            "Sid": "AllowThisDistributionOnly",
            "Effect": "Allow",
            "Principal": cloudfront,
            "Action": "s3:GetObject",
            "Resource": pulumi.Output.concat(site.bucket.arn, "/*"),
            "Condition": this_distribution,
        },
        {
            # Without it S3 answers 403 for a missing key, and a wrong path would not be a 404.
            # The cache policy forwards no query string, so visitors cannot list the bucket.
            "Sid": "MissingPagesAreNotFound",
            "Effect": "Allow",
            "Principal": cloudfront,
            "Action": "s3:ListBucket",
            "Resource": site.bucket.arn,
            "Condition": this_distribution,
        },
    )
