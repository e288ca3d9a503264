"""The site upload plan: explicit types, pages revalidated, the assets they load hashed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infra.site import SITE_DIR
from infra.site_files import IMMUTABLE, REVALIDATE, hashed_key, plan_site


def make_site(root: Path, script: str = "console.log(1);") -> Path:
    (root / "img").mkdir(parents=True)
    (root / "index.html").write_text(
        '<link rel="stylesheet" href="/app.css"><script type="module" src="app.js?x=1"></script>'
        '<img src="img/logo.svg"><a href="https://example.com/app.js">x</a>'
        '<link rel="icon" href="data:,">'
    )
    (root / "app.css").write_text("body { color: black; }")
    (root / "app.js").write_text(script)
    (root / "img" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (root / "robots.txt").write_text("User-agent: *\n")
    (root / ".DS_Store").write_bytes(b"\0")
    return root


def test_pages_point_at_hashed_assets(tmp_path: Path) -> None:
    plan = {f.key: f for f in plan_site(make_site(tmp_path))}
    css, js = hashed_key("app.css", b"body { color: black; }"), hashed_key(
        "app.js", b"console.log(1);")
    logo = hashed_key("img/logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert set(plan) == {"index.html", css, js, logo, "robots.txt"}
    page = plan["index.html"]
    assert page.cache_control == REVALIDATE and page.content_type == "text/html; charset=utf-8"
    assert f'href="/{css}"' in page.text and f'src="{js}?x=1"' in page.text
    assert f'src="{logo}"' in page.text
    # External and data URLs are left alone.
    assert 'href="https://example.com/app.js"' in page.text and 'href="data:,"' in page.text
    assert plan[js].cache_control == IMMUTABLE and plan[js].source == tmp_path / "app.js"
    assert plan[js].content_type == "text/javascript; charset=utf-8"
    assert plan[logo].content_type == "image/svg+xml"
    # A file no page loads keeps its name and is revalidated.
    assert plan["robots.txt"].cache_control == REVALIDATE


def test_a_changed_script_gets_a_new_name_and_a_new_page(tmp_path: Path) -> None:
    before = {f.key: f for f in plan_site(make_site(tmp_path / "a"))}
    after = {f.key: f for f in plan_site(make_site(tmp_path / "b", "console.log(2);"))}
    new_keys = set(after) - set(before)
    assert len(new_keys) == 1 and next(iter(new_keys)).startswith("app.")
    assert before["index.html"].text != after["index.html"].text


def test_avatar_keeps_its_public_name(tmp_path: Path) -> None:
    avatar = tmp_path / "persona" / "avatar.webp"
    avatar.parent.mkdir()
    avatar.write_bytes(b"RIFF")
    plan = {f.key: f for f in plan_site(make_site(tmp_path / "site"), avatar)}
    assert plan["avatar.webp"].content_type == "image/webp"
    assert plan["avatar.webp"].cache_control == REVALIDATE


def test_unknown_file_types_are_refused(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "notes.xyz").write_text("?")
    with pytest.raises(ValueError, match=r"notes\.xyz: no content type"):
        plan_site(site)


def test_the_embed_snippet_keeps_the_address_owners_paste() -> None:
    plan = {f.key: f for f in plan_site(SITE_DIR)}
    # No page loads embed.js, so it is not renamed; revalidated, a deploy reaches every site.
    assert plan["embed.js"].cache_control == REVALIDATE
    assert plan["embed.js"].source == SITE_DIR / "embed.js"
    assert plan["embed.js"].content_type == "text/javascript; charset=utf-8"


def test_the_page_loads_its_modules_by_the_names_they_are_uploaded_under() -> None:
    plan = {f.key: f for f in plan_site(SITE_DIR)}
    page = plan["index.html"].text
    entry = re.search(r'<script type="module" src="/([^"]+)"', page)[1]
    preloaded = re.findall(r'<link rel="modulepreload" href="/([^"]+)"', page)
    # The entry module imports every preloaded module by the very name the page preloads.
    assert set(re.findall(r'from "\./([^"]+)"', plan[entry].text)) == set(preloaded)
    for key in (entry, *preloaded):
        assert re.fullmatch(r"[a-z]+\.[0-9a-f]{12}\.js", key)
        assert plan[key].cache_control == IMMUTABLE
        text = plan[key].text or plan[key].source.read_text()
        assert all(target in plan for target in re.findall(r'from "\./([^"]+)"', text))


def make_modules(root: Path, helper: str = "export const x = 1;") -> Path:
    """A page whose entry module imports another, which imports a third the page never names."""
    root.mkdir(parents=True)
    (root / "index.html").write_text(
        '<script type="module" src="/app.js"></script><link rel="modulepreload" href="/panel.js">'
    )
    (root / "app.js").write_text('import { panel } from "./panel.js";\npanel();\n')
    (root / "panel.js").write_text(
        "import { x } from './lib/helper.js';\n"
        'export function panel() { return import("./lib/helper.js"); }\n'
    )
    (root / "lib").mkdir()
    (root / "lib" / "helper.js").write_text(helper)
    return root


def test_modules_import_each_other_by_their_hashed_names(tmp_path: Path) -> None:
    site = make_modules(tmp_path / "site")
    plan = {f.key: f for f in plan_site(site)}
    helper = hashed_key("lib/helper.js", b"export const x = 1;")
    panel_text = (
        f"import {{ x }} from './{helper}';\n"
        f"export function panel() {{ return import(\"./{helper}\"); }}\n"
    )
    panel = hashed_key("panel.js", panel_text.encode())
    app_text = f'import {{ panel }} from "./{panel}";\npanel();\n'
    app = hashed_key("app.js", app_text.encode())
    assert set(plan) == {"index.html", app, panel, helper}
    assert plan[panel].text == panel_text and plan[app].text == app_text
    assert plan[helper].source == site / "lib" / "helper.js"
    assert all(plan[k].cache_control == IMMUTABLE for k in (app, panel, helper))
    # The page preloads the very name the entry module imports.
    assert f'src="/{app}"' in plan["index.html"].text
    assert f'href="/{panel}"' in plan["index.html"].text


def test_a_change_deep_in_the_imports_renames_every_module_above_it(tmp_path: Path) -> None:
    before = {f.key for f in plan_site(make_modules(tmp_path / "a"))}
    after = {f.key for f in plan_site(make_modules(tmp_path / "b", "export const x = 2;"))}
    changed = {key.split(".")[0] for key in after - before}
    assert changed == {"app", "panel", "lib/helper"}


def test_modules_that_import_each_other_in_a_cycle_are_refused(tmp_path: Path) -> None:
    site = make_modules(tmp_path / "site")
    (site / "lib" / "helper.js").write_text('import "../app.js";')
    with pytest.raises(ValueError, match=r"app\.js: modules import each other in a cycle"):
        plan_site(site)
