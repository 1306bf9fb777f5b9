"""The playground in a real browser: Debian's Chromium, headless, driven by Selenium.

A server is started as `fto serve` would be; the browser loads an example and a case, asks,
expands the explanation, toggles a fact and sees the answer flip, provokes a validation error
and reads its message, and reopens a shared link. Nothing is downloaded: the browser and its
driver are the system's (`apt-get install chromium chromium-driver`), named explicitly.

`python -m tests.test_browser docs/playground.png` makes the README's screenshot with the
same server and browser.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("FTO_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("FTO_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1400,1000"]
CASE = "cases/material_support/advocacy_vs_coordinated_training.yaml"
WAIT_S = 30


def missing_browser() -> str | None:
    """Why no browser can be driven here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install '.[test]')"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            return f"{path} is missing: install Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`fto serve` on a free local port, as a child process of the test."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "engine.cli", "serve", "--port", str(self.port), "--workers", "1"],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(self.url + "api/health", timeout=60) as response:
                    if response.status == 200:
                        return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.log.seek(0)
                    raise RuntimeError(f"fto serve did not start: {self.log.read().decode(errors='replace')}")
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


class Page:
    """The playground in one headless Chromium, with waits that name what they wait for."""

    def __init__(self, url: str) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="fto-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in [*FLAGS, f"--user-data-dir={self.profile}"]:
            options.add_argument(flag)
        self.driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        self.url = url

    def close(self) -> None:
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)

    def find(self, css: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def until(self, what: str, check: Any) -> Any:
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, WAIT_S, ignored_exceptions=(Exception,)).until(
            lambda _: check(), message=f"waited {WAIT_S} s for {what}")

    def text(self, css: str) -> str:
        found = self.all(css)
        return found[0].text if found else ""

    def open(self, url: str = "") -> None:
        self.driver.get(url or self.url)
        self.until("the first answer", lambda: self.text("#verdict"))

    def load(self, case_id: str) -> None:
        from selenium.webdriver.support.ui import Select

        if not self.driver.current_url.startswith(self.url):  # each test may be the first one here (xdist)
            self.open()
        chooser = Select(self.find("#examples"))
        chooser.select_by_value("")  # so that choosing the case again loads it afresh
        chooser.select_by_value(case_id)
        self.until(f"{case_id} to be loaded and asked", lambda: self.find("body").get_attribute("data-loaded") == case_id)

    def ask(self, question: str) -> str:
        """Type a question and ask with the keyboard (Ctrl+Enter); the verdict line."""
        from selenium.webdriver.common.keys import Keys

        box = self.find("#question")
        box.clear()
        box.send_keys(question)
        box.send_keys(Keys.ESCAPE, Keys.CONTROL + Keys.ENTER)
        def answered() -> str | None:
            verdict = self.text("#verdict")
            return verdict if question.replace(" ", "") in verdict.replace(" ", "") else None

        return self.until(f"the answer to {question}", answered)

    def set_lever(self, path: str, value: str) -> None:
        from selenium.webdriver.support.ui import Select

        record = path.rsplit(".", 1)[0]
        group = self.find(f'#levers details[data-record="{record}"]')
        if group.get_attribute("open") is None:
            group.find_element("css selector", "summary").click()
        Select(self.find(f'[data-path="{path}"]')).select_by_value(value)


@contextmanager
def served_page() -> Iterator[Page]:
    """A fresh `fto serve` and a browser on its page, both ended afterwards."""
    server = Server()
    try:
        browser = Page(server.url)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    reason = missing_browser()
    if reason:
        pytest.skip(f"no browser to test the playground with: {reason}")
    with served_page() as browser:
        yield browser


def test_the_example_loads_and_is_answered_with_an_expandable_tree_a_graph_and_a_ledger(page):
    page.open()
    assert page.text("#verdict") == "YES — designated(sinaloa), as of 2025-03-01"
    assert page.find("#question").get_attribute("value") == "designated(sinaloa)"
    top = page.find("#tree > details")
    assert top.get_attribute("open") is not None
    inner = page.all("#tree > details > .children > details")[0]
    assert inner.get_attribute("open") is None
    hidden = inner.find_element("css selector", ".children")
    assert not hidden.is_displayed()
    inner.find_element("css selector", "summary").click()  # expand one step of the explanation
    page.until("the step to open", lambda: hidden.is_displayed())
    assert "90 FR 10030" in page.find("#tree").text  # the Federal Register notice that published it
    page.find("#tab-graph").click()
    nodes = page.all("#graph svg g.node")
    assert len(nodes) == len(page.all("#tree details")) + len(page.all("#tree .leaf"))
    assert "designated Foreign Terrorist Organization" in nodes[-1].get_attribute("aria-label")
    page.find("#tab-ledger").click()
    assert "✓ established" in page.text("#ledger tbody")


def test_a_case_is_asked_and_a_toggled_fact_flips_the_answer(page):
    page.load(CASE)
    assert page.ask("material_support(professor, press)") == "YES — material_support(professor,press), as of 2025-05-01"
    page.set_lever("transactions.press.coordinated_with", "false")
    verdict = page.until("the what-if", lambda: page.text("#whatif-verdict"))
    assert verdict == "The answer changes: YES → NO"  # independent advocacy is not a service (HLP)
    assert "material_support(professor,press) YES NO" in page.text("#flipped")
    assert "independent advocacy" in page.text("#elements-changed")
    assert "changed" in page.find('[data-path="transactions.press.coordinated_with"]').find_element("xpath", "..").text
    page.find("#whatif-reset").click()
    page.until("the what-if to clear", lambda: not page.text("#whatif-result"))


def test_question_completion_works_from_the_keyboard(page):
    from selenium.webdriver.common.keys import Keys

    page.load(CASE)
    box = page.find("#question")
    box.clear()
    box.send_keys("material_sup")
    page.until("predicate completions", lambda: page.find("#completions").is_displayed())
    box.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    assert box.get_attribute("value") == "material_support("
    box.send_keys("prof")
    page.until("id completions", lambda: "professor" in page.text("#completions"))
    box.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    assert box.get_attribute("value") == "material_support(professor"


def test_a_validation_error_shows_the_cli_message_and_its_line(page):
    from selenium.webdriver.common.keys import Keys

    page.load(CASE)
    editor = page.find("#yaml")
    editor.send_keys(Keys.CONTROL + Keys.END)
    editor.send_keys("\ncolour: red\n")
    message = page.until("the validation error", lambda: page.text("#yaml-errors"))
    lines = page.find("#yaml").get_attribute("value").split("\n")
    line = lines.index("colour: red") + 1
    assert message == f"Error: line {line} <scenario>:{line}: colour: unknown key 'colour' (`fto schema` lists the allowed keys)"
    assert f"! {line}" in page.find("#gutter").get_attribute("textContent").split("\n")
    page.find("#yaml-errors button").click()  # the line, selected in the editor
    assert page.driver.execute_script(
        "const t = document.querySelector('#yaml'); return t.value.slice(t.selectionStart, t.selectionEnd)") == "colour: red"


def test_moving_a_date_flips_the_answer_and_the_views_work_from_the_keyboard(page):
    from selenium.webdriver.common.keys import Keys

    page.load("examples/sinaloa.yaml")
    assert page.find("#question").get_attribute("value") == ""  # no question suggested: none left from before
    page.ask("designated(sinaloa)")
    page.find('#levers details[data-record="scenario"] summary').send_keys(Keys.ENTER)  # open the group by keyboard
    date = page.find('[data-path="as_of"]')
    date.send_keys(Keys.CONTROL, "a")
    date.send_keys("2025-02-19", Keys.ENTER)  # the day before the notice was published
    verdict = page.until("the what-if", lambda: page.text("#whatif-verdict"))
    assert verdict == "The answer changes: YES → NO"
    assert "designated(sinaloa) YES NO" in page.text("#flipped")
    page.find("#whatif-reset").send_keys(Keys.ENTER)
    page.until("the what-if to clear", lambda: not page.text("#whatif-result"))
    page.find("#tab-tree").click()
    step = page.all("#tree > details > .children > details")[0]
    step.find_element("css selector", "summary").send_keys(Keys.ENTER)  # a step of the tree opens with Enter
    assert step.get_attribute("open") is not None
    page.find("#tab-tree").send_keys(Keys.ARROW_RIGHT)  # the views are a tab list: arrows move between them
    assert page.driver.switch_to.active_element == page.find("#tab-graph") and page.find("#view-graph").is_displayed()
    page.driver.switch_to.active_element.send_keys(Keys.HOME)
    assert page.find("#view-tree").is_displayed()


def test_the_memo_is_shown_copied_and_downloaded(page):
    page.load("examples/sinaloa.yaml")
    page.ask("designated(sinaloa)")
    page.find("#tab-memo").click()
    memo = page.until("the memo", lambda: page.text("#memo"))
    assert memo.startswith("# designated(sinaloa)") and "## Authorities" in memo and "90 FR 10030" in memo
    page.driver.execute_script(  # catch the download's file and the clipboard's text in the page
        "window.saved = []; URL.createObjectURL = (blob) => { window.saved.push(blob); return 'blob:saved'; };"
        "HTMLAnchorElement.prototype.click = function () { window.saved.push(this.download); };"
        "window.copied = null; Object.defineProperty(navigator, 'clipboard', {value: {writeText: async (t) => { window.copied = t; }}});")
    page.find("#memo-download").click()
    assert page.driver.execute_script("return window.saved[1]") == "designated_sinaloa_.md"
    saved = page.driver.execute_async_script("const done = arguments[0]; window.saved[0].text().then(done);")
    assert saved == page.find("#memo").get_attribute("textContent")
    page.find("#memo-copy").click()
    page.until("the memo to be copied", lambda: page.driver.execute_script("return window.copied") == saved)


def test_the_memo_follows_a_what_if_and_is_copied_and_downloaded(page):
    """While a what-if is shown, the Memo tab is `fto whatif --format memo`: the changes, what flipped and
    the memo of the answer after them; undoing the changes brings back the memo of the answer as asked."""
    page.load(CASE)
    page.ask("material_support(professor, press)")
    page.find("#tab-memo").click()
    page.until("the memo of the answer", lambda: page.text("#memo").startswith("# material_support(professor,press)"))
    page.set_lever("transactions.press.coordinated_with", "false")
    page.until("the what-if", lambda: page.text("#whatif-verdict"))
    memo = page.until("the memo after the change", lambda: page.find("#memo").get_attribute("data-of") == "whatif"
                      and page.find("#memo").get_attribute("textContent"))
    cli = subprocess.run([sys.executable, "-m", "engine.cli", "whatif", CASE, "material_support(professor, press)",
                          "--set", "transactions.press.coordinated_with=false", "--format", "memo"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert memo == cli.stdout
    assert memo.startswith("# What if\n\n- transactions.press.coordinated_with = False\n")
    assert "material_support(professor,press): yes → no" in memo and "## Short answer\n\nNo. " in memo
    assert page.text("#memo-of") == "The memo of the answer after the what-if (transactions.press.coordinated_with = false)."
    page.driver.execute_script(  # catch the download's file and the clipboard's text in the page
        "window.saved = []; URL.createObjectURL = (blob) => { window.saved.push(blob); return 'blob:saved'; };"
        "HTMLAnchorElement.prototype.click = function () { window.saved.push(this.download); };"
        "window.copied = null; try { Object.defineProperty(navigator, 'clipboard', "
        "{value: {writeText: async (t) => { window.copied = t; }}}); } catch (_) { /* caught already, the same way */ }")
    page.find("#memo-download").click()
    assert page.driver.execute_script("return window.saved[1]") == "what_if_material_support_professor_press_.md"
    assert page.driver.execute_async_script("const done = arguments[0]; window.saved[0].text().then(done);") == memo
    page.find("#memo-copy").click()
    page.until("the memo to be copied", lambda: page.driver.execute_script("return window.copied") == memo)
    page.find("#whatif-reset").click()
    page.until("the memo of the answer as asked again", lambda: page.find("#memo").get_attribute("data-of") == "ask"
               and page.text("#memo").startswith("# material_support(professor,press)"))
    assert page.text("#memo-of") == "The memo of the answer as asked."


def test_the_registry_lookup_finds_a_designation(page):
    from selenium.webdriver.common.keys import Keys

    page.open()
    box = page.find("#registry-q")
    box.clear()
    box.send_keys("sinaloa", Keys.ENTER)
    rows = page.until("registry results", lambda: page.all("#registry-table tbody tr"))
    assert [r.find_element("css selector", "td").text for r in rows] == ["cartel_de_sinaloa"]
    assert "2025-02-20" in rows[0].text and "90 FR 10030" in rows[0].text


def test_a_shared_link_reopens_the_scenario_and_question(page):
    page.load("cases/designation/act_of_congress.yaml")
    page.ask("designated(acme)")
    link = page.until("the link", lambda: page.driver.current_url if "#" in page.driver.current_url else None)
    text = page.find("#yaml").get_attribute("value")
    page.driver.get("about:blank")
    page.open(link)
    assert page.find("#yaml").get_attribute("value") == text
    assert page.text("#verdict").startswith("YES — designated(acme)")


def screenshot(page: Page, path: Path) -> None:
    """The playground with a case asked and a fact toggled: the README's picture."""
    page.driver.set_window_size(1400, 1250)
    page.open()
    page.load(CASE)
    page.ask("material_support(professor, press)")
    page.set_lever("transactions.press.coordinated_with", "false")
    page.until("the what-if", lambda: page.text("#whatif-verdict"))
    page.driver.execute_script("window.scrollTo(0, 0)")
    page.driver.save_screenshot(str(path))


def test_the_screenshot_script_makes_a_picture(page, tmp_path):
    target = tmp_path / "playground.png"
    screenshot(page, target)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and target.stat().st_size > 20_000


def main(path: Path) -> None:
    reason = missing_browser()
    if reason:
        sys.exit(f"error: {reason}")
    with served_page() as page:
        screenshot(page, path)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "playground.png"))
