"""The HTML view in a real headless Chromium: links scroll to and light up the source, and
nothing from the document runs.

Driven by selenium with the system chromedriver (no download).  Set PLANSUM_CHROMIUM /
PLANSUM_CHROMEDRIVER to use other binaries; PLANSUM_SCREENSHOT_DIR (default: the test's
tmp dir) to keep the screenshots.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plansum.models import (
    Attribute,
    Check,
    CheckStatus,
    DocumentInfo,
    Goal,
    Indicator,
    PlanSummary,
    Provenance,
    Quantity,
    Span,
)
from plansum.render import render


def _find(env: str, *names: str) -> str | None:
    if os.environ.get(env):
        return os.environ[env] if Path(os.environ[env]).is_file() else None
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = _find("PLANSUM_CHROMIUM", "chromium", "chromium-browser", "google-chrome")
CHROMEDRIVER = _find("PLANSUM_CHROMEDRIVER", "chromedriver")
# Read at import: the suite's autouse fixture hides PLANSUM_* variables from the tests.
SCREENSHOT_DIR = os.environ.get("PLANSUM_SCREENSHOT_DIR")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="no Chromium found (apt-get install chromium, or PLANSUM_CHROMIUM)"
    ),
    pytest.mark.skipif(
        CHROMEDRIVER is None,
        reason="no chromedriver found (apt-get install chromium-driver, or PLANSUM_CHROMEDRIVER)",
    ),
]

webdriver = pytest.importorskip(
    "selenium.webdriver", reason="selenium is not installed (pip install selenium)"
)
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,900",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def shot(driver: Any, tmp_path: Path, name: str) -> Path:
    folder = Path(SCREENSHOT_DIR) if SCREENSHOT_DIR else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    assert driver.save_screenshot(str(path)), f"could not save {path}"
    return path


def open_page(driver: Any, tmp_path: Path, page: str, fragment: str = "") -> None:
    path = tmp_path / "summary.html"
    path.write_text(page, encoding="utf-8")
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(path.as_uri() + fragment)


def severe_logs(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def sp(text: str, needle: str) -> Span:
    start = text.index(needle)
    return Span(start=start, end=start + len(needle))


def long_document() -> tuple[str, PlanSummary]:
    """A fictional plan long enough that its later indicators are far below the fold."""
    head = "青岚市国民经济和社会发展第十四个五年规划纲要\n\n第一章 发展基础\n"
    filler = "".join(
        f"第{i}段：青岚市坚持新发展理念，推进湾区协同发展，持续改善营商环境和生态环境。\n"
        for i in range(1, 301)
    )
    early = "到2025年，地区生产总值突破1800亿元，年均增长6.5%左右。\n"
    late = "第五章 生态环境\n到2025年，森林覆盖率达到46.5%，单位地区生产总值能耗下降13.5%。\n"
    text = head + early + filler + late + filler
    summary = PlanSummary(
        document=DocumentInfo(
            title="青岚市国民经济和社会发展第十四个五年规划纲要",
            issuer="青岚市人民政府",
            doc_type="outline",
            period="2021-2025",
            region="青岚市",
            chars=len(text),
        ),
        overview="青岚市到2025年地区生产总值突破1800亿元，森林覆盖率达到46.5%。",
        indicators=[
            Indicator(
                name="地区生产总值",
                unit="亿元",
                target=Quantity(raw="1800亿元", value=1800, unit="亿元", span=sp(text, "1800亿元")),
                target_year=2025,
                growth=Quantity(raw="6.5%左右", value=6.5, unit="%", span=sp(text, "6.5%左右")),
                attribute=Attribute.expected,
                span=sp(text, "地区生产总值突破1800亿元，年均增长6.5%左右"),
            ),
            Indicator(
                name="森林覆盖率",
                unit="%",
                target=Quantity(raw="46.5%", value=46.5, unit="%", span=sp(text, "46.5%")),
                target_year=2025,
                attribute=Attribute.binding,
                span=sp(text, "森林覆盖率达到46.5%"),
            ),
            Indicator(
                name="单位地区生产总值能耗降低",
                unit="%",
                target=Quantity(raw="13.5%", value=13.5, unit="%", span=sp(text, "13.5%")),
                target_year=2025,
                attribute=Attribute.binding,
                span=sp(text, "单位地区生产总值能耗下降13.5%"),
                check=Check(status=CheckStatus.corrected, reason="模型给出 15%，原文为 13.5%"),
            ),
            Indicator(
                name="空气质量优良天数比率",
                unit="%",
                target=Quantity(raw="95%", value=95, unit="%"),
                target_year=2025,
                # overlaps the forest indicator: starts inside it and runs past its end
                span=Span(start=text.index("46.5%"), end=text.index("13.5%")),
                check=Check(status=CheckStatus.rejected, reason="95% 不在原文中"),
            ),
        ],
        goals=[Goal(text="生态环境持续改善", horizon_year=2025, span=sp(text, "第五章 生态环境"))],
        provenance=Provenance(plansum_version="0.1.0"),
    )
    return text, summary


JS_RECT = """
const el = document.getElementById(arguments[0]);
if (!el) return null;
const r = el.getBoundingClientRect();
const hit = document.elementFromPoint(r.left + Math.min(r.width / 2, 5), r.top + r.height / 2);
return {top: r.top, bottom: r.bottom, height: r.height, vh: window.innerHeight,
        cls: el.className, visible: !!hit && (hit === el || el.contains(hit)),
        scrolled: document.getElementById('source-pane').scrollTop};
"""


def test_click_indicator_scrolls_to_and_highlights_its_span(browser: Any, tmp_path: Path) -> None:
    text, summary = long_document()
    page = render(summary, text, "html")
    assert isinstance(page, str)
    open_page(browser, tmp_path, page)
    assert browser.title == summary.document.title

    before = browser.execute_script(JS_RECT, "src-i1")
    assert before is not None, "the forest indicator's span is not in the page"
    assert before["top"] > before["vh"], "the test text is too short: nothing to scroll to"
    assert "hl" not in before["cls"].split()

    browser.find_element(By.CSS_SELECTOR, 'a[data-ref="i1"]').click()

    after = browser.execute_script(JS_RECT, "src-i1")
    assert "hl" in after["cls"].split(), after
    assert after["height"] > 0
    assert 0 <= after["top"] and after["bottom"] <= after["vh"], after
    assert after["visible"], "the span is in the viewport but covered or clipped"
    assert after["scrolled"] > 0
    lit = browser.execute_script(
        "return Array.from(document.querySelectorAll('#source .hl'), e => e.textContent).join('')"
    )
    assert lit == "森林覆盖率达到46.5%"
    row = browser.find_element(By.ID, "item-i1")
    assert "active" in row.get_attribute("class").split()
    assert browser.current_url.endswith("#src-i1")
    path = shot(browser, tmp_path, "plansum-html-click.png")
    assert path.stat().st_size > 10_000

    # another link moves the highlight: the earlier span is no longer lit
    browser.find_element(By.CSS_SELECTOR, 'a[data-ref="i0"]').click()
    assert "hl" not in browser.execute_script(JS_RECT, "src-i1")["cls"].split()
    first = browser.execute_script(JS_RECT, "src-i0")
    assert "hl" in first["cls"].split() and 0 <= first["top"] < first["vh"]

    # the rejected indicator is shown struck through and labelled, never as fact
    rejected = browser.find_element(By.ID, "item-i3")
    assert "未采信 (refused)" in rejected.text
    decoration = browser.execute_script(
        "return getComputedStyle(arguments[0].querySelector('del')).textDecorationLine", rejected
    )
    assert "line-through" in decoration
    # the check column is on screen without scrolling sideways
    assert browser.execute_script(
        "const s = document.getElementById('summary'), r = s.getBoundingClientRect();"
        "const c = document.querySelector('#item-i3 td.status').getBoundingClientRect();"
        "return c.right <= r.left + s.clientWidth && s.scrollWidth <= s.clientWidth"
    )
    assert severe_logs(browser) == []  # our own script and style pass the CSP


def test_fragment_in_url_highlights_on_load(browser: Any, tmp_path: Path) -> None:
    text, summary = long_document()
    page = render(summary, text, "html")
    assert isinstance(page, str)
    open_page(browser, tmp_path, page, "#src-i2")
    rect = browser.execute_script(JS_RECT, "src-i2")
    assert "hl" in rect["cls"].split() and 0 <= rect["top"] and rect["bottom"] <= rect["vh"]


INJECTED = (
    "青岚市重要通知<script>window.__pwned=1</script>\n"
    '<img src=x onerror="window.__pwned=2">\n'
    "到2025年，地区生产总值突破1800亿元。\n"
)


def test_script_in_the_document_does_not_run(browser: Any, tmp_path: Path) -> None:
    text = INJECTED * 3 + "".join(f"第{i}段：正文。\n" for i in range(60))
    summary = PlanSummary(
        document=DocumentInfo(title="<script>window.__pwned=3</script>青岚市"),
        overview='<img src=x onerror="window.__pwned=4">',
        indicators=[
            Indicator(
                name='<img src=x onerror="window.__pwned=5">地区生产总值',
                target=Quantity(raw="1800亿元", value=1800, unit="亿元"),
                # starts inside the <img tag of the text, so the tag is cut into segments
                span=Span(start=text.index("src=x"), end=text.index("1800亿元") + 6),
            )
        ],
        goals=[Goal(text="<script>", span=sp(text, "<script>"))],
        provenance=Provenance(plansum_version="0.1.0"),
    )
    page = render(summary, text, "html")
    assert isinstance(page, str)
    open_page(browser, tmp_path, page)
    time.sleep(0.3)  # time for an image error handler to have fired, were there one
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    assert browser.execute_script("return document.scripts.length") == 1
    assert browser.execute_script("return document.images.length") == 0
    source = browser.find_element(By.ID, "source").text
    assert "<script>window.__pwned=1</script>" in source
    assert '<img src=x onerror="window.__pwned=2">' in source
    assert browser.title == "<script>window.__pwned=3</script>青岚市"
    assert (
        '<img src=x onerror="window.__pwned=5">地区生产总值'
        in browser.find_element(By.ID, "item-i0").text
    )
    browser.find_element(By.CSS_SELECTOR, 'a[data-ref="i0"]').click()
    assert "hl" in browser.execute_script(JS_RECT, "src-i0")["cls"].split()
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    shot(browser, tmp_path, "plansum-html-injection.png")
    assert severe_logs(browser) == []


def test_csp_stops_markup_even_if_escaping_broke(browser: Any, tmp_path: Path) -> None:
    """Defence in depth: raw markup spliced into the page cannot run; our script still can."""
    text, summary = long_document()
    page = render(summary, text, "html")
    assert isinstance(page, str)
    raw = (
        "<script>window.__pwned=1</script>"
        '<img src="x" onerror="window.__pwned=2">'
        '<a id="evil" href="javascript:window.__pwned=3">x</a>'
    )
    page = page.replace('<pre id="source">\n', '<pre id="source">\n' + raw, 1)
    open_page(browser, tmp_path, page)
    browser.execute_script("document.getElementById('evil').click()")
    time.sleep(0.3)
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    logs = severe_logs(browser)
    assert any("Content Security Policy" in m for m in logs), logs
    browser.find_element(By.CSS_SELECTOR, 'a[data-ref="i1"]').click()
    assert "hl" in browser.execute_script(JS_RECT, "src-i1")["cls"].split()
