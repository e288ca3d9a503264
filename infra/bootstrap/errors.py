"""Turn what can go wrong during the bootstrap into one sentence a person can act on."""

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
)

ACCESS_DENIED = {
    "AccessDenied",
    "AccessDeniedException",
    "AuthorizationError",
    "UnauthorizedOperation",
}
EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired"}
BAD_CREDENTIALS = {
    "InvalidAccessKeyId",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "UnrecognizedClientException",
}


class BootstrapError(Exception):
    """A problem the bootstrap found and explained itself."""


def describe_error(error: Exception) -> str:
    """Return one sentence saying what failed and what to do about it."""
    if isinstance(error, BootstrapError):
        return str(error)
    if isinstance(error, NoCredentialsError):
        return (
            "No AWS credentials were found; sign in first (for example `aws sso login` "
            "or `aws configure`, or set AWS_PROFILE) and run the bootstrap again."
        )
    if isinstance(error, EndpointConnectionError):
        return (
            f"Could not reach AWS at {error.kwargs.get('endpoint_url')}; check the network "
            "connection and any AWS_ENDPOINT_URL setting."
        )
    if isinstance(error, ClientError):
        return _describe_client_error(error)
    if isinstance(error, BotoCoreError):
        return f"The AWS SDK could not make the call: {error}."
    return f"The bootstrap stopped unexpectedly: {error}."


def _describe_client_error(error: ClientError) -> str:
    details = error.response.get("Error", {})
    code = details.get("Code", "Unknown")
    operation = error.operation_name
    if code in ACCESS_DENIED:
        return (
            f"AWS denied the {operation} call to these credentials; run the bootstrap as an "
            "account administrator, or grant that permission and run it again."
        )
    if code in EXPIRED:
        return "The AWS session has expired; sign in again and run the bootstrap again."
    if code in BAD_CREDENTIALS:
        return (
            f"AWS rejected the credentials in use ({code}); check the access key or "
            "profile and run the bootstrap again."
        )
    message = details.get("Message", "no message").rstrip(".")
    return f"AWS refused the {operation} call ({code}: {message})."
