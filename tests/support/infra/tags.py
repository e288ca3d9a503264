"""The tags every taggable resource carries, and every resource type sorted by taggability."""

from __future__ import annotations

EXPECTED_TAGS = {"Project": "twin", "ManagedBy": "pulumi"}
# Every type the program creates, sorted by whether AWS lets it carry tags.
TAGGABLE = {
    "aws:s3/bucket:Bucket", "aws:s3/bucketObjectv2:BucketObjectv2",
    "aws:cloudfront/distribution:Distribution",
    "aws:apigatewayv2/api:Api", "aws:apigatewayv2/stage:Stage", "aws:lambda/function:Function",
    "aws:cloudwatch/logGroup:LogGroup", "aws:iam/role:Role", "aws:iam/policy:Policy",
    "aws:acm/certificate:Certificate", "aws:sns/topic:Topic", "aws:wafv2/webAcl:WebAcl",
    "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:budgets/budget:Budget",
}
UNTAGGABLE = {
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketPolicy:BucketPolicy", "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:cloudfront/originAccessControl:OriginAccessControl",
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
    "aws:apigatewayv2/integration:Integration", "aws:apigatewayv2/route:Route",
    "aws:lambda/permission:Permission", "aws:route53/record:Record",
    "aws:acm/certificateValidation:CertificateValidation",
    "aws:sns/topicPolicy:TopicPolicy", "aws:sns/topicSubscription:TopicSubscription",
    "aws:cloudwatch/logMetricFilter:LogMetricFilter",
    "aws:cloudwatch/queryDefinition:QueryDefinition", "aws:cloudwatch/dashboard:Dashboard",
    "aws:lambda/alias:Alias", "random:index/randomPassword:RandomPassword",
}
