"""The page of `ser-rs serve` in a real browser: Debian's chromium, headless, driven by Playwright
for Python against a uvicorn server on 127.0.0.1. A RAVDESS file is uploaded and its label read
off the page; a WAV is streamed through Chromium's fake microphone and the timeline grows.
Screenshots go to bench-results/browser/.

Needs ``apt-get install chromium`` and ``pip install playwright`` (no ``playwright install``:
nothing is downloaded). Skipped where either is missing, except in CI, where that fails."""

from __future__ import annotations

import shutil
import socket
import threading
import time

import pytest

from conftest import IN_CI, ROOT

SCREENSHOTS = ROOT / "bench-results" / "browser"
#: Generous: the first hop arrives after half a second of audio, but CI machines are slow.
WAIT_MS = 60_000


def _chromium() -> str:
    """The chromium executable, or a skip (a failure in CI) saying what to install."""
    missing = []
    executable = shutil.which("chromium")
    if executable is None:
        missing.append("Debian's chromium (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        missing.append(f"Playwright and uvicorn (pip install playwright uvicorn: {exc})")
    if missing:
        message = "the browser test needs " + " and ".join(missing)
        if IN_CI:
            pytest.fail(message + "; CI must have them (scripts/setup.sh installs both)")
        pytest.skip(message)
    return executable


@pytest.fixture(scope="module")
def chromium() -> str:
    return _chromium()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(chromium, tiny_model_dir):
    """The base URL of a real uvicorn server, in a thread, serving the tiny model."""
    import uvicorn

    from ser_rs.server import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(tiny_model_dir), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail(f"uvicorn did not start on 127.0.0.1:{port}")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def _screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")


def _browser(chromium: str, *args: str):
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox", *args])
    return playwright, browser


def test_an_uploaded_ravdess_file_gets_its_label_on_the_page(chromium, live_server, ravdess16k, tiny_model_dir):
    from ser_rs.inference import load_model

    path = sorted(ravdess16k.glob("Actor_02/*.flac"))[5]
    expected = load_model(tiny_model_dir).predict_file(path)
    playwright, browser = _browser(chromium)
    try:
        page = browser.new_page()
        page.goto(live_server + "/")
        page.wait_for_selector("#legend span")  # /health answered: the page knows the classes
        page.set_input_files("#file", str(path))
        page.click("#upload")
        page.wait_for_selector("#emotion[data-state=result]", timeout=WAIT_MS)
        assert page.inner_text("#emotion").strip().lower() == expected.emotion
        bars = page.eval_on_selector_all("#bars .bar", "rows => rows.map(r => r.dataset.label)")
        assert bars == list(expected.probabilities)
        assert page.inner_text("#error") == ""
        _screenshot(page, "upload")
    finally:
        browser.close()
        playwright.stop()


def test_the_fake_microphone_streams_and_the_timeline_grows(chromium, live_server, ravdess16k, tiny_model_dir, tmp_path):
    import soundfile as sf

    from ser_rs.inference import load_model

    y, rate = sf.read(sorted(ravdess16k.glob("Actor_03/*.flac"))[10], dtype="float32")
    wav = tmp_path / "microphone.wav"
    sf.write(wav, y, rate, subtype="PCM_16")  # Chromium's fake capture reads WAV only
    classes = list(load_model(tiny_model_dir).classes)
    playwright, browser = _browser(chromium, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                                   f"--use-file-for-fake-audio-capture={wav}")
    try:
        page = browser.new_page()
        page.goto(live_server + "/")
        page.wait_for_selector("#legend span")
        page.click("#record")
        page.wait_for_function("document.querySelectorAll('#timeline .hop').length >= 2", timeout=WAIT_MS)
        first = page.eval_on_selector_all("#timeline .hop", "hops => hops.length")
        page.wait_for_function(f"document.querySelectorAll('#timeline .hop').length >= {first + 2}", timeout=WAIT_MS)
        labels = page.eval_on_selector_all("#timeline .hop", "hops => hops.map(h => h.dataset.emotion)")
        assert len(labels) >= first + 2 and set(labels) <= set(classes)
        assert page.inner_text("#emotion").strip().lower() in classes
        _screenshot(page, "stream")
        page.click("#record")  # stop: the server flushes and closes cleanly
        page.wait_for_selector("#stream-status:has-text('stopped')", timeout=WAIT_MS)
        assert page.inner_text("#error") == ""
    finally:
        browser.close()
        playwright.stop()
