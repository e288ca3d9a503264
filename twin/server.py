"""The local server: the API plus the static page and the persona's avatar, from one process.

The page and the API share one origin here, so no CORS is needed (docs/architecture.md, "CORS").
`twin run` serves the app with waitress (twin/listen.py), not Werkzeug's development server.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import Flask, Response, request, send_file
from werkzeug.exceptions import NotFound as HTTPNotFound

from api.app import create_app
from api.config import Config, ConfigError
from api.csp import page_security_headers
from api.errors import NotFound, error_response
from api.persona import find_avatar

SITE_DIR = Path(__file__).resolve().parent.parent / "site"

# Every file the page is made of; nothing else under site/ (or anywhere) is ever served.
SITE_FILES = {
    "/": ("index.html", "text/html"),
    "/app.css": ("app.css", "text/css"),
    "/app.js": ("app.js", "text/javascript"),
    # The snippet owners paste into their own site (README, "Put the twin on your own site").
    "/embed.js": ("embed.js", "text/javascript"),
    # The modules app.js imports (index.html preloads each).
    "/api.js": ("api.js", "text/javascript"),
    "/contact.js": ("contact.js", "text/javascript"),
    "/embedding.js": ("embedding.js", "text/javascript"),
    "/markdown.js": ("markdown.js", "text/javascript"),
    "/storage.js": ("storage.js", "text/javascript"),
}


def _page_response(path: Path, mimetype: str, headers: dict[str, str]) -> Response:
    # no-cache: the browser revalidates, so an edited file shows on the next reload.
    response = send_file(path, mimetype=mimetype, max_age=0, conditional=True, etag=True)
    response.headers["Cache-Control"] = "no-cache"
    response.headers.update(headers)
    return response


def _avatar_folder(persona_path: Path) -> Path:
    # A compiled persona file sits where its folder's avatar would be looked for.
    return persona_path if persona_path.is_dir() else persona_path.parent


def check_memory_dir(config: Config) -> None:
    """Refuse to start when the conversations' folder cannot be written.

    Otherwise the first visitor to send a message would be the one to find out. Creating and
    removing a file is the only check that answers for every reason (permissions, a read-only
    or virtual file system such as /proc, a file where the folder should be).
    """
    if config.memory_bucket:
        return
    folder = Path(config.memory_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder, prefix=".write-check-")
        os.close(handle)
        os.unlink(name)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ConfigError(f"TWIN_MEMORY_DIR must be a folder this user can write to; "
                          f"{str(folder)!r} cannot be written ({reason})") from None


def create_local_app(config: Config | None = None, site_dir: Path = SITE_DIR) -> Flask:
    """Build the API app and add the page's routes to it, as `twin run` serves them."""
    config = config or Config.from_env()
    check_memory_dir(config)
    app = create_app(config)
    site_dir = Path(site_dir).resolve()
    avatar = find_avatar(_avatar_folder(Path(config.persona_path)))
    # TWIN_EMBED_ORIGINS becomes frame-ancestors, as twin:embedOrigins does on CloudFront.
    security_headers = page_security_headers(config.embed_origins)

    def site_file() -> Response:
        name, mimetype = SITE_FILES[request.path]
        path = site_dir / name
        if not path.is_file():
            raise HTTPNotFound()
        return _page_response(path, mimetype, security_headers)

    for url in SITE_FILES:
        app.add_url_rule(url, f"site:{url}", site_file, methods=["GET"])

    if avatar is not None:

        def avatar_file() -> Response:
            mimetype = "image/" + avatar.suffix[1:].replace("jpg", "jpeg")
            return _page_response(avatar, mimetype, security_headers)

        app.add_url_rule(f"/{avatar.name}", "site:avatar", avatar_file, methods=["GET"])

    @app.errorhandler(404)
    def _not_found(_error: Exception) -> Response:
        # The API keeps its JSON error shape; any other address gets a plain page-style 404.
        if request.path.startswith("/api/") or request.path == "/api":
            return error_response(NotFound())
        response = Response("Not found\n", status=404, mimetype="text/plain")
        response.headers.update(security_headers)
        return response

    return app
