"""The ledger's HTML in a real headless Chromium: the charts draw, and a figure's link lands
on its cited passage.  Same browser set-up (and skips) as test_render_browser.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import CORPUS
from plansum.ledger import load_inputs, render_ledger, track_inputs
from test_render_browser import browser, open_page, pytestmark, severe_logs  # noqa: F401


def test_ledger_charts_draw_and_figures_link_to_their_source(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By  # after test_render_browser's import skip

    files = sorted([*CORPUS.glob("qinglan_*.txt"), *CORPUS.glob("yunxi_*.txt")])
    inputs = load_inputs(files, engine="rules")
    page = render_ledger(track_inputs(inputs), "html", {i.name: i.text for i in inputs})
    open_page(browser, tmp_path, page)
    assert severe_logs(browser) == []
    charts = browser.find_elements(By.CSS_SELECTOR, ".chart svg")
    assert len(charts) >= 5
    for svg in charts:
        assert svg.size["width"] > 100 and svg.size["height"] > 100
    # the 2024 actual of the first chart (青岚市 GDP): a red dot (missed) that links to 5.8%
    dot = charts[0].find_element(By.CSS_SELECTOR, "a circle")
    assert dot.get_attribute("fill") == "#b42318"
    anchor = dot.find_element(By.XPATH, "..").get_dom_attribute("href").split("#", 1)[1]
    browser.execute_script(
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", dot
    )
    assert browser.execute_script("return location.hash") == f"#{anchor}"
    target = browser.find_element(By.ID, anchor)
    assert target.find_element(By.TAG_NAME, "mark").text == "5.8%"
    top = browser.execute_script("return arguments[0].getBoundingClientRect().top", target)
    assert 0 <= top < browser.execute_script("return window.innerHeight")
