"""`twin smoke`: check a deployed stack from the outside, the way a visitor reaches it.

Only the standard library's HTTP client, with bounded timeouts. Plain http:// is accepted for
loopback addresses alone, so the same checks run against `twin run` in tests.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

import click

from twin.checks import Check, failed, one_line, passed, report

# A chat turn may take up to API Gateway's 30 s; everything else answers at once.
TIMEOUT_SECONDS = 10
CHAT_TIMEOUT_SECONDS = 35
MAX_BODY_BYTES = 1_000_000
SMOKE_MESSAGE = "What do you work on? (an automated check after a deploy)"
# What a failed chat turn's error code most likely means on a fresh deploy (api/models/bedrock.py
# maps Bedrock's errors to these).
CHAT_CAUSES = {
    "model_error": "Bedrock refused or answered nothing: is model access enabled for this model "
                   "in the region, and does the inference-profile prefix (us., eu., apac., "
                   "global.) fit it? Run twin doctor --stack NAME",
    "model_unavailable": "Bedrock did not answer in time or was unreachable: try again; if it "
                         "persists, check the function's log",
    "rate_limited": "throttled: Bedrock's quota or the API's throttling; try again in a minute",
    "memory_unavailable": "the conversations bucket could not be reached: check the function's "
                          "log",
    "internal": "the function failed: check its log (the request id is in the answer)",
}


class SmokeError(Exception):
    """An address that cannot be checked; the message says why."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        try:
            found = json.loads(self.body)
        except ValueError:
            return {}
        return found if isinstance(found, dict) else {}

    def error_code(self) -> str:
        error = self.json().get("error")
        return one_line(error.get("code", "")) if isinstance(error, dict) else ""


def checked_url(url: str) -> str:
    """The URL without a trailing slash; https, or http on a loopback address only."""
    if url != one_line(url, limit=2000):
        raise SmokeError(f"{one_line(url)} is not an address (spaces or control characters)")
    try:
        parts = urllib.parse.urlsplit(url)
        host, _port = parts.hostname, parts.port  # raise for a bracket left open, a bad port
    except ValueError:
        raise SmokeError(f"{one_line(url)} is not an address") from None
    if parts.scheme not in ("http", "https") or not host:
        raise SmokeError(f"{one_line(url)} is not an http(s) address")
    if parts.scheme == "http" and not _loopback(host):
        raise SmokeError(f"{one_line(url)}: plain http is only for this machine; use https")
    return url.rstrip("/")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect is reported as it is: a check must see what the address itself answers.
    def redirect_request(self, *_args, **_kwargs):  # type: ignore[no-untyped-def]
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(method: str, url: str, body: dict | None = None,
          timeout: float = TIMEOUT_SECONDS) -> Answer:
    """One request; an HTTP error status is an Answer, a network failure a SmokeError."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={  # noqa: S310
        "Accept": "application/json, text/html;q=0.9", "User-Agent": "twin-smoke",
        **({"Content-Type": "application/json"} if data is not None else {})})
    try:
        # Only http(s): checked_url refused any other scheme before this point.
        with _opener.open(request, timeout=timeout) as response:
            return Answer(response.status, dict(response.headers.items()),
                          response.read(MAX_BODY_BYTES))
    except urllib.error.HTTPError as error:
        with error:
            return Answer(error.code, dict(error.headers.items()), error.read(MAX_BODY_BYTES))
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as error:
        # HTTPException: an answer that is not HTTP (BadStatusLine) or is cut short.
        reason = getattr(error, "reason", error)
        raise SmokeError(f"no answer from {one_line(url)}: {one_line(reason)}") from error


def _header(answer: Answer, name: str) -> str:
    return next((v for k, v in answer.headers.items() if k.lower() == name.lower()), "")


def _csp_directives(csp: str) -> set[str]:
    return {part.split()[0].lower() for part in csp.split(";") if part.split()}


def page_check(site: str) -> Check:
    answer = fetch("GET", site + "/")
    if answer.status != 200:
        return failed("page", f"{site}/ answered {answer.status}: check the distribution and the "
                              "site bucket's files (pulumi up uploads them)")
    csp = _header(answer, "Content-Security-Policy")
    missing = [name for name in ("Content-Security-Policy", "X-Content-Type-Options")
               if not _header(answer, name)]
    if site.startswith("https://") and not _header(answer, "Strict-Transport-Security"):
        missing.append("Strict-Transport-Security")
    if not _header(answer, "X-Frame-Options") and "frame-ancestors" not in _csp_directives(csp):
        missing.append("a framing policy (X-Frame-Options or frame-ancestors)")
    if missing:
        return failed("page", f"answered 200 without {', '.join(missing)}: the response headers "
                              "policy is not on the distribution's behaviour")
    return passed("page")


def health_check(api: str) -> Check:
    answer = fetch("GET", api + "/health")
    status = answer.json().get("status")
    if answer.status == 200 and status == "ok":
        return passed("health")
    seen = f"status {one_line(status)!r}" if answer.status == 200 else f"{answer.status}"
    return failed("health", f"{api}/health answered {seen}{_code(answer)}: check that the API "
                            "routes /api/* to the function, and the function's log")


def _code(answer: Answer) -> str:
    code = answer.error_code()
    return f" {code}" if code else ""


@dataclass
class Conversation:
    session_id: str | None = None
    checks: list[Check] = field(default_factory=list)


def chat_check(api: str) -> Conversation:
    answer = fetch("POST", api + "/chat", {"message": SMOKE_MESSAGE}, CHAT_TIMEOUT_SECONDS)
    found = answer.json()
    session = found.get("session_id") if isinstance(found.get("session_id"), str) else None
    reply = found.get("response")
    if answer.status == 200 and isinstance(reply, str) and reply.strip():
        return Conversation(session, [passed("chat", f"{len(reply)} characters from the model")])
    if answer.status == 200:
        return Conversation(session, [failed("chat", "answered 200 with an empty reply: check "
                                                     "the model id (twin:modelId)")])
    code = answer.error_code()
    cause = CHAT_CAUSES.get(code, "check the function's log")
    return Conversation(None, [failed("chat", f"answered {answer.status}{_code(answer)}: "
                                              f"{cause}")])


def delete_check(api: str, session_id: str | None) -> Check:
    if not session_id:
        return failed("delete", "no conversation to delete: the chat check did not start one")
    quoted = urllib.parse.quote(session_id, safe="")
    answer = fetch("DELETE", f"{api}/conversation/{quoted}")
    if answer.status == 204:
        return passed("delete")
    return failed("delete", f"answered {answer.status}{_code(answer)} where 204 was due: the "
                            "smoke conversation is left in the memory bucket; check the "
                            "function's log and its s3:DeleteObject grant")


def direct_check(api_endpoint: str) -> Check:
    # The HTTP API routes only /api/*; anything else gets API Gateway's own 404.
    answer = fetch("GET", api_endpoint + "/api/health")
    if answer.status == 403:
        return passed("only-through-cloudfront")
    return failed("only-through-cloudfront",
                  f"{api_endpoint}/api/health answered {answer.status} where 403 was due: the "
                  "function is not checking CloudFront's origin header (TWIN_ORIGIN_SECRET)")


def embed_check(site: str) -> Check:
    answer = fetch("GET", site + "/embed.js")
    kind = _header(answer, "Content-Type").split(";")[0].strip().lower()
    if answer.status == 200 and kind in ("text/javascript", "application/javascript"):
        return passed("embed")
    return failed("embed", f"{site}/embed.js answered {answer.status} {one_line(kind)}: the "
                           "site's files are incomplete; run pulumi up again")


def run_checks(site: str, api: str, api_endpoint: str | None, embed: bool) -> list[Check]:
    """Every check, in the order a visitor meets them; a network failure fails its check only."""
    checks: list[Check] = []

    def attempt(name: str, step) -> None:  # type: ignore[no-untyped-def]
        try:
            result = step()
        except SmokeError as error:
            checks.append(failed(name, str(error)))
            return
        checks.extend(result if isinstance(result, list) else [result])

    attempt("page", lambda: page_check(site))
    attempt("health", lambda: health_check(api))
    conversation = Conversation()

    def chat() -> list[Check]:
        nonlocal conversation
        conversation = chat_check(api)
        return conversation.checks

    attempt("chat", chat)
    attempt("delete", lambda: delete_check(api, conversation.session_id))
    if api_endpoint:
        attempt("only-through-cloudfront", lambda: direct_check(api_endpoint))
    if embed:
        attempt("embed", lambda: embed_check(site))
    return checks


@click.command(epilog="""\b
examples:
  twin smoke --stack dev                       the addresses from the stack's outputs
  twin smoke --url https://twin.example.com
  twin smoke --url https://d1234.cloudfront.net \\
             --api-url https://abc123.execute-api.us-east-1.amazonaws.com
  twin smoke --url http://127.0.0.1:8000 --json    a local `twin run`""")
@click.option("--stack", help="read the addresses from this stack's outputs (pulumi stack output)")
@click.option("--url", help="the site's address, instead of --stack")
@click.option("--api-url", help="the API's own execute-api address: it must refuse /api/ with 403")
@click.option("--embed/--no-embed", default=None,
              help="check embed.js (default: when the stack lists twin:embedOrigins)")
@click.option("--json", "as_json", is_flag=True, help='print {"ok", "checks": [...]} as JSON')
def smoke(stack: str | None, url: str | None, api_url: str | None, embed: bool | None,
          as_json: bool) -> int:
    """After a deploy: check the page and its security headers, the API's health, one chat turn
    with the model (deleted afterwards), that the API refuses requests that skip CloudFront,
    and embed.js. One line per check; exit 0 when all pass, 1 otherwise."""
    from twin.stack import StackError, outputs

    if (stack is None) == (url is None):
        raise click.UsageError("give either --stack NAME or --url URL")
    try:
        if stack is not None:
            found = outputs(stack)
            url = str(found.get("siteUrl") or "")
            api_url = api_url or found.get("apiEndpoint") or None
            if embed is None:
                embed = bool(found.get("embedOrigins"))
        site = checked_url(url or "")
        endpoint = checked_url(api_url) if api_url else None
    except (StackError, SmokeError) as error:
        print(f"twin smoke: {error}", file=sys.stderr)
        return 1
    return report(run_checks(site, site + "/api", endpoint, bool(embed)), as_json)
