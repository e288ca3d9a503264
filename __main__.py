"""The twin on AWS: a private site behind CloudFront and a Flask API on Lambda, per stack."""

import pulumi

from infra import cdn, domain, identity, notify, package, site, waf
from infra.alarms import alarms
from infra.api import http_api
from infra.arns import Arns
from infra.budget import monthly_budget
from infra.dashboard import dashboard
from infra.function import chat_function
from infra.log_metrics import log_metrics
from infra.memory import memory_bucket
from infra.origin import origin_secret
from infra.settings import read_settings

settings = read_settings()
arns = Arns.current(settings)

memory = memory_bucket(settings)
owner = notify.owner_topic(settings, arns)
owner_topic = owner.topic if owner else None
secret = origin_secret(settings)
boundary = identity.function_boundary(settings, arns)
code = package.build_package(settings.persona_dir, settings.python_version)
chat = chat_function(settings, arns, pulumi.FileArchive(str(code)), memory.bucket, boundary,
                     owner_topic, secret)
api = http_api(settings, chat.function, chat.alias)

site_files = site.site_bucket(settings)
zone_id = domain.hosted_zone_id(settings) if settings.domain else None
certificate_arn = domain.validated_certificate(settings, zone_id) if zone_id else None
web_acl = waf.web_acl(settings)
distribution = cdn.distribution(settings, site_files.bucket, api.api_endpoint, secret,
                                certificate_arn, web_acl.arn if web_acl else None)
site.allow_distribution(site_files, distribution, settings)
if zone_id:
    domain.alias_records(settings, zone_id, distribution)

namespace = log_metrics(settings, chat.log_group)
stack_alarms = alarms(settings, owner_topic, chat.function, api, namespace)
dashboard(settings, api, chat.function, namespace, stack_alarms)
monthly_budget(settings, owner)

deploy_role = identity.deploy_role(settings, arns, boundary, zone_id)

site_url = (
    pulumi.Output.from_input(f"https://{settings.domain}")
    if settings.domain
    else pulumi.Output.concat("https://", distribution.domain_name)
)
pulumi.export("siteUrl", site_url)
pulumi.export("apiUrl", pulumi.Output.concat(site_url, "/api"))
pulumi.export("distributionId", distribution.id)
pulumi.export("siteBucket", site_files.bucket.bucket)
pulumi.export("memoryBucket", memory.bucket.bucket)
pulumi.export("functionName", chat.function.name)
pulumi.export("deployRoleArn", deploy_role.arn)
pulumi.export("logGroupName", chat.log_group.name)
# For `twin smoke --stack`: the API's own address must refuse what skips CloudFront, and
# embed.js is checked when sites may embed the twin.
pulumi.export("apiEndpoint", api.api_endpoint)
pulumi.export("embedOrigins", list(settings.embed_origins))
