"""Plan the site upload: each file's key, content type and cache policy."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# Pages are revalidated on every load (a 304 is cheap), so a deploy shows at once.
REVALIDATE = "no-cache"
# Content-hashed files never change under their name, so browsers and CloudFront keep them.
IMMUTABLE = "public, max-age=31536000, immutable"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
}

# src="..." and href="..." attributes: the references a page makes to other site files.
REFERENCE = re.compile(r"""(?P<attr>\b(?:src|href)\s*=\s*)(?P<q>["'])(?P<url>[^"']*)(?P=q)""")
# `import ... from "./x.js"`, `import "./x.js"`, `export ... from "./x.js"`, `import("./x.js")`:
# the references an ES module makes to others, rewritten like a page's.
IMPORT = re.compile(r"""(?P<attr>\b(?:from|import)\s*\(?\s*)(?P<q>["'])(?P<url>[^"'\n]*)(?P=q)""")
MODULES = (".js", ".mjs")


@dataclass(frozen=True)
class SiteFile:
    """One object to upload: from a file on disk, or from rewritten text."""

    key: str
    content_type: str
    cache_control: str
    source: Path | None = None
    text: str | None = None


def content_type(path: Path) -> str:
    """The Content-Type for a site file; unknown kinds are refused rather than guessed."""
    try:
        return CONTENT_TYPES[path.suffix.lower()]
    except KeyError:
        raise ValueError(f"{path}: no content type is known for '{path.suffix}' files") from None


def hashed_key(key: str, data: bytes) -> str:
    """`app.css` becomes `app.<12 hex digits of its SHA-256>.css`."""
    path = PurePosixPath(key)
    digest = hashlib.sha256(data).hexdigest()[:12]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def _site_key(page_key: str, url: str) -> str | None:
    """The site key a page's reference points to, or None for external or data URLs."""
    if not url or url.startswith(("#", "//")) or re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):
        return None
    path = url.split("#", 1)[0].split("?", 1)[0]
    if path.startswith("/"):
        return path.lstrip("/")
    parts: list[str] = []
    for part in (*PurePosixPath(page_key).parent.parts, *path.split("/")):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def _rewrite(pattern: re.Pattern[str], key: str, text: str, renamed: dict[str, str]) -> str:
    """Point the references in `text` (a file at `key`) at the renamed files."""

    def replace(match: re.Match[str]) -> str:
        target = _site_key(key, match["url"])
        if target not in renamed:
            return match[0]
        url = match["url"]
        new_name = PurePosixPath(renamed[target]).name
        head, _, tail = url.partition(PurePosixPath(target).name)
        return f"{match['attr']}{match['q']}{head}{new_name}{tail}{match['q']}"

    return pattern.sub(replace, text)


def _hash_assets(
    files: dict[str, Path], pages: dict[str, str], referenced: set[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Content-hashed names for the assets pages load and the modules they import.

    A module's name covers the names of the modules it imports, so a change anywhere below it
    gives it a new name too. Returns (new name by key, rewritten text of the modules that import).
    """
    renamed: dict[str, str] = {}
    texts: dict[str, str] = {}

    def visit(key: str, importers: tuple[str, ...]) -> None:
        if key in renamed:
            return
        if key in importers:
            raise ValueError(f"{key}: modules import each other in a cycle")
        path = files[key]
        if path.suffix not in MODULES:
            renamed[key] = hashed_key(key, path.read_bytes())
            return
        source = path.read_text(encoding="utf-8")
        for match in IMPORT.finditer(source):
            target = _site_key(key, match["url"])
            if target in files and target not in pages:
                visit(target, (*importers, key))
        text = _rewrite(IMPORT, key, source, renamed)
        if text != source:
            texts[key] = text
        renamed[key] = hashed_key(key, text.encode("utf-8"))

    for key in sorted(referenced):
        visit(key, ())
    return renamed, texts


def plan_site(site_dir: Path, avatar: Path | None = None) -> list[SiteFile]:
    """List every object of the site: pages revalidated, the assets they load content-hashed."""
    files = {
        path.relative_to(site_dir).as_posix(): path
        for path in sorted(site_dir.rglob("*"))
        if path.is_file() and not any(p.startswith(".") for p in path.relative_to(site_dir).parts)
    }
    pages = {key: path.read_text(encoding="utf-8") for key, path in files.items()
             if key.endswith(".html")}
    referenced = {
        target
        for key, html in pages.items()
        for match in REFERENCE.finditer(html)
        if (target := _site_key(key, match["url"])) in files and target not in pages
    }
    renamed, texts = _hash_assets(files, pages, referenced)
    plan = [SiteFile(key, content_type(files[key]), REVALIDATE,
                     text=_rewrite(REFERENCE, key, html, renamed))
            for key, html in pages.items()]
    for key, path in files.items():
        if key in pages:
            continue
        if key in texts:
            plan.append(SiteFile(renamed[key], content_type(path), IMMUTABLE, text=texts[key]))
        elif key in renamed:
            plan.append(SiteFile(renamed[key], content_type(path), IMMUTABLE, source=path))
        else:
            plan.append(SiteFile(key, content_type(path), REVALIDATE, source=path))
    if avatar is not None:
        # The API names the avatar `/avatar.<ext>`, so it keeps that name and is revalidated.
        plan.append(SiteFile(avatar.name, content_type(avatar), REVALIDATE, source=avatar))
    return sorted(plan, key=lambda f: f.key)
