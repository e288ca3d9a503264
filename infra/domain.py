"""The optional custom domain: an ACM certificate in us-east-1 and Route 53 alias records."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from infra.settings import Settings

# CloudFront only uses certificates from this region.
CERTIFICATE_REGION = "us-east-1"


def hosted_zone_id(settings: Settings) -> pulumi.Output[str]:
    """Look up the public hosted zone that holds the domain."""
    zone = aws.route53.get_zone_output(name=settings.hosted_zone, private_zone=False)
    return zone.zone_id


def validated_certificate(settings: Settings, zone_id: pulumi.Output[str]) -> pulumi.Output[str]:
    """Request a DNS-validated certificate and return its ARN once it is issued."""
    certificate = aws.acm.Certificate(
        f"{settings.prefix}-certificate",
        domain_name=settings.domain,
        validation_method="DNS",
        region=CERTIFICATE_REGION,
        tags=settings.tags,
    )
    option = certificate.domain_validation_options[0]
    record = aws.route53.Record(
        f"{settings.prefix}-certificate-validation",
        zone_id=zone_id,
        name=option.resource_record_name,
        type=option.resource_record_type,
        records=[option.resource_record_value],
        ttl=60,
        allow_overwrite=True,
    )
    validation = aws.acm.CertificateValidation(
        f"{settings.prefix}-certificate-issued",
        certificate_arn=certificate.arn,
        validation_record_fqdns=[record.fqdn],
        region=CERTIFICATE_REGION,
    )
    # Using the validation's ARN makes the distribution wait until the certificate is issued.
    return validation.certificate_arn


def alias_records(
    settings: Settings, zone_id: pulumi.Output[str], distribution: aws.cloudfront.Distribution
) -> None:
    """Point the domain at the distribution over IPv4 and IPv6."""
    for record_type in ("A", "AAAA"):
        aws.route53.Record(
            f"{settings.prefix}-alias-{record_type.lower()}",
            zone_id=zone_id,
            name=settings.domain,
            type=record_type,
            aliases=[
                {
                    "name": distribution.domain_name,
                    "zone_id": distribution.hosted_zone_id,
                    "evaluate_target_health": False,
                }
            ],
        )
