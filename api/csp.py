"""The security headers the chat page is served with, shared by the local server and CloudFront."""

# One string, read by `python -m api` (as a response header) and by the Pulumi program (as a
# CloudFront response headers policy), so the page is tested under the policy it ships with.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

REFERRER_POLICY = "strict-origin-when-cross-origin"

# Headers every page response carries; CloudFront's response headers policy sets the same ones.
PAGE_SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": REFERRER_POLICY,
}
