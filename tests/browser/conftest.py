"""One served lishui development network and one headless Chromium per test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.api.serve_kit import ServeProcess, run_cli
from tests.browser.browser_kit import CHROMIUM_ARGS, chromium_path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    path = chromium_path()
    if path is None:
        pytest.skip("Debian's chromium is not installed (make system-deps installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    net: Path = tmp_path_factory.mktemp("console") / "net"
    init = run_cli("network", "init", net, "--template", "lishui", "--dev")
    assert init.returncode == 0, init.stderr
    serve = ServeProcess(net, peers=8).start()
    yield serve
    serve.stop()
