"""Browser fixtures shared by the browser tests: an app server on a tiny atlas, Chromium, and a page opener."""

import pytest

from dashboard.bench_browser import AppServer, launch, map_frame, offline_context, wait_idle

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


@pytest.fixture
def open_app(browser, server):
    contexts = []

    def go(query: str = ""):
        blocked: list[str] = []
        context = offline_context(browser, server.url, blocked, viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server.url}/{query}")
        frame = map_frame(page)
        wait_idle(page)
        return page, frame, blocked, errors

    yield go
    for context in contexts:
        context.close()
