"""Browser fixtures shared by the browser tests: an app server on a tiny atlas, Chromium, and a page opener."""

import contextlib
from pathlib import Path

import pytest

from .browser_harness import CHROMIUM, AppServer, launch, map_frame, offline_context, wait_idle
from .conftest import make_atlas


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    atlas = make_atlas(tmp_path_factory.mktemp("browser") / "atlas")
    with AppServer(atlas) as app:
        yield app


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch(pw)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def app_opener(browser, server):
    """``go(query, **context_options) -> (page, map frame, blocked URLs, page errors)``, contexts closed after."""
    contexts = []

    def go(query: str = "", **options):
        blocked: list[str] = []
        context = offline_context(browser, server.url, blocked, **(options or {"viewport": DESKTOP}))
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server.url}/{query}")
        frame = map_frame(page)
        wait_idle(page)
        return page, frame, blocked, errors

    try:
        yield go
    finally:
        for context in contexts:
            context.close()


DESKTOP = {"width": 1400, "height": 1000}


@pytest.fixture
def open_app(browser, server):
    with app_opener(browser, server) as go:
        yield go


@pytest.fixture
def offline_file_page():
    """Open a local HTML file in Chromium with every request that is not ``file:``/``data:`` aborted.

    Yields ``open(path, (width, height)) -> (page, blocked_urls)``.
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as pw:
        browser = launch(pw)

        def open_file(path: Path, viewport=(1000, 700)):
            blocked: list[str] = []
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})

            def only_local(route):
                if route.request.url.startswith(("file:", "data:")):
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            page.route("**/*", only_local)
            page.goto(path.as_uri())
            return page, blocked

        try:
            yield open_file
        finally:
            browser.close()
