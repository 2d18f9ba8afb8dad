"""The web widget in a real browser: Debian's chromium driven by Playwright
(``executable_path``, headless, nothing downloaded), against the real Rasa server
and action server. Plays the urgent path and a whole conversation, by mouse and by
keyboard only; checks accessibility with axe-core (from the npm registry), that
nothing the bot or the user sends runs as HTML, the page-reload persistence, the
embedded widget on another site, text at 200% and reduced motion; a layout that
holds (only the conversation scrolls) at desktop and phone sizes and at 200 % text;
every phone number a tel: link; the draft as a document with the focus on its
heading; the service's own pages reachable by keyboard. Screenshots and the
measured figures go to results/screenshots/."""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from pypdf import PdfReader

from bot.runtime import knowledge
from tests.e2e.channel_settings import Site
from tests.e2e.harness import ROOT, Servers
from tests.e2e.widget_client import WALK_TO_THE_DRAFT

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "results" / "screenshots"
# The flags a root, offline, headless chromium needs here (no sandbox as root; no
# calls home, which this machine's closed network refuses).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser: Browser, servers: Servers) -> Iterator[BrowserContext]:
    # bypass_csp lets the test inject axe-core; it also makes the XSS checks
    # stricter, since the page's own policy is then not there to block a script.
    ctx = browser.new_context(
        bypass_csp=True,
        permissions=["clipboard-read", "clipboard-write"],
        viewport={"width": 1024, "height": 768},
    )
    ctx.add_init_script("window.__xss = undefined;")
    yield ctx
    ctx.close()


def open_widget(context: BrowserContext, servers: Servers) -> Page:
    page = context.new_page()
    page.goto(f"{servers.base}/webhooks/widget/")
    expect(choice(page, "Yes")).to_be_enabled(timeout=60_000)
    return page


def choice(page: Page, title: str):
    return page.locator(".gh-choice:not([disabled])", has_text=title).first


def press(page: Page, title: str) -> None:
    count = page.locator(".gh-msg").count()
    choice(page, title).click()
    wait_for_reply(page, count)


def wait_for_reply(page: Page, count_before: int) -> None:
    """Wait until the bot has answered (typing indicator gone, new messages in)."""
    page.wait_for_function(
        "n => document.querySelectorAll('.gh-msg').length > n + 1"
        " && document.querySelector('.gh-typing').hidden",
        arg=count_before,
        timeout=60_000,
    )


def type_message(page: Page, text: str) -> None:
    count = page.locator(".gh-msg").count()
    page.locator("#gh-input").fill(text)
    page.keyboard.press("Enter")
    wait_for_reply(page, count)


def axe(page: Page) -> list[dict]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values:
                ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return result


def yes_to_a_sign(page: Page) -> None:
    """ "Yes" to the screens, and the first sign of a list, until "How do you know?"."""
    for _ in range(4):
        if "Which of these is it?" in page.locator(".gh-msg").last.inner_text():
            count = page.locator(".gh-msg").count()
            page.locator(".gh-choice:not([disabled])").first.click()  # the first sign
            wait_for_reply(page, count)
        else:
            press(page, "Yes")
        if "How do you know?" in page.locator(".gh-msg").last.inner_text():
            return
    raise AssertionError("no evidence question after the screen, the list and a sign")


def play_to_draft(page: Page) -> None:
    """From the opening to the draft, with a note that tries to be HTML."""
    press(page, "No")
    press(page, "Teacher or school staff")
    press(page, "England")
    press(page, "School or college")
    yes_to_a_sign(page)
    type_message(page, f"I saw it myself {XSS}")
    while page.locator(".gh-kind-summary").count() == 0:
        for title in WALK_TO_THE_DRAFT:
            if choice(page, title).count():
                press(page, title)
                break
        else:
            raise AssertionError(f"no known choice: {page.locator('.gh-msg').last.inner_text()}")


def boxes(page: Page) -> dict:
    """Where the fixed parts are, and how tall the page is, as the browser lays it out."""
    return page.evaluate(
        """() => {
            const box = (s) => { const r = document.querySelector(s).getBoundingClientRect();
                return {top: Math.round(r.top), bottom: Math.round(r.bottom)}; };
            const send = document.querySelector('.gh-send');
            return {viewport: window.innerHeight, width: window.innerWidth,
                pageHeight: document.documentElement.scrollHeight,
                pageWidth: document.documentElement.scrollWidth, scrollY: window.scrollY,
                header: box('.gh-header'), emergency: box('.gh-emergency'),
                input: box('#gh-input'), send: box('.gh-send'),
                sendFits: send.scrollWidth <= send.clientWidth + 1,
                log: box('.gh-log'), logScroll: document.querySelector('.gh-log').scrollTop};
        }"""
    )


def fixed_parts_in_view(figures: dict) -> bool:
    height = figures["viewport"]
    return (
        all(
            figures[part]["top"] >= 0 and figures[part]["bottom"] <= height
            for part in ("header", "emergency", "input", "send")
        )
        and figures["scrollY"] == 0
    )


PHONE_PATTERN = r"(?<![\d+])(?:\+?\d[\d ]{1,14}\d)(?!\d)"


def numbers_outside_tel_links(page: Page, numbers: list[str]) -> list[str]:
    """Every shown occurrence of a contact's phone number that is not inside a tel:
    link (text nodes of the whole page, hidden parts excepted)."""
    return page.evaluate(
        r"""(numbers) => {
            const sorted = [...numbers].sort((a, b) => b.length - a.length);
            const esc = (t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            const re = new RegExp('(?<![\\d+])(' + sorted.map(esc).join('|') + ')(?!\\d)', 'g');
            const out = [];
            const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walk.nextNode()) {
                const node = walk.currentNode;
                if (node.parentElement.closest('script, noscript, [hidden]')) continue;
                const link = node.parentElement.closest('a[href^="tel:"]');
                for (const m of node.textContent.matchAll(re)) {
                    const digits = m[1].replace(/[^\d+]/g, '');
                    if (!link || link.getAttribute('href') !== 'tel:' + digits) out.push(m[1]);
                }
            }
            return out;
        }""",
        numbers,
    )


def contact_numbers() -> list[str]:
    """The phone numbers the sourced contacts give, the text relay ones included."""
    out = set()
    for c in knowledge().contacts.values():
        if c.phone:
            out.add(c.phone)
        out.update(re.findall(PHONE_PATTERN, c.accessible or ""))
    return sorted(out)


def scroll_every_way(page: Page) -> None:
    """Mouse wheel over the conversation, up and down; then the keyboard in it and
    on the page itself."""
    box = page.locator(".gh-log").bounding_box()
    assert box
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for delta in [-400] * 10 + [400] * 20:
        page.mouse.wheel(0, delta)
    page.wait_for_timeout(300)
    page.locator(".gh-log").focus()
    for key in ("Home", "PageDown", "PageDown", "End", "PageUp", "Space", "ArrowDown"):
        page.keyboard.press(key)
    page.evaluate("() => document.activeElement.blur()")
    for key in ("End", "PageDown", "Space", "ArrowDown"):
        page.keyboard.press(key)
    page.wait_for_timeout(300)


def in_viewport(page: Page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return bool(box and size and box["y"] >= 0 and box["y"] + box["height"] <= size["height"])


def test_urgent_path_gives_the_advice_first(context: BrowserContext, servers: Servers) -> None:
    page = open_widget(context, servers)
    assert "999" in page.locator(".gh-emergency").inner_text()
    assert axe(page) == []
    press(page, "Yes")
    advice = page.locator(".gh-kind-advice").first
    expect(advice).to_contain_text("999")
    expect(advice).to_contain_text(knowledge().contact("nspcc_helpline").phone)
    # The emergency line stays in view however long the conversation gets.
    assert in_viewport(page, ".gh-emergency")
    page.screenshot(path=str(SHOTS / "widget-urgent.png"))


def test_a_whole_conversation_then_copy_and_download_the_draft(
    context: BrowserContext, servers: Servers
) -> None:
    page = open_widget(context, servers)
    press(page, "No")
    press(page, "Teacher or school staff")
    session_before = page.evaluate("() => Object.values(sessionStorage)[0]")

    # A page reload keeps the same conversation and shows what was said.
    page.reload()
    expect(choice(page, "England")).to_be_enabled(timeout=60_000)
    expect(page.locator(".gh-user", has_text="Teacher or school staff")).to_have_count(1)
    assert (
        json.loads(page.evaluate("() => Object.values(sessionStorage)[0]"))["session"]
        == (json.loads(session_before)["session"])
    )
    press(page, "England")
    press(page, "School or college")

    progress = page.locator(".gh-progress").inner_text()
    assert "more question" in progress
    # Yes to the screen and its first question, then a note that tries to be HTML.
    yes_to_a_sign(page)
    type_message(page, f"I saw it myself {XSS}")
    while page.locator(".gh-kind-summary").count() == 0:
        for title in WALK_TO_THE_DRAFT:
            if choice(page, title).count():
                if title == "Yes, carry on":
                    check = page.locator(".gh-kind-check").last
                    expect(check.locator("h2")).to_contain_text("Check your answers")
                    # A summary list: each answer with its own "Change" button.
                    rows = check.locator(".gh-summary-row")
                    assert rows.count() >= 5
                    assert check.locator("button.gh-change").count() == rows.count()
                    label = check.locator("button.gh-change").first.get_attribute("aria-label")
                    assert label and label.startswith("Change your answer to:")
                    assert axe(page) == []
                    page.screenshot(path=str(SHOTS / "widget-check-answers.png"))
                press(page, title)
                break
        else:
            raise AssertionError(f"no known choice: {page.locator('.gh-msg').last.inner_text()}")

    summary = page.locator(".gh-kind-summary .gh-draft").last
    text = summary.inner_text()
    assert "DRAFT" in text
    assert "<img src=x" in text  # shown as the letters typed...
    assert page.evaluate("() => window.__xss") is None  # ...never run
    assert page.locator(".gh-widget img, .gh-widget script").count() == 0
    assert axe(page) == []

    page.get_by_role("button", name="Copy summary").click()
    expect(page.locator(".gh-notice")).to_have_text("Summary copied")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    # The plain text, every section the page shows in it, and the note as typed.
    headings = summary.locator("h4").all_inner_texts()
    assert len(headings) >= 6
    for heading in headings:
        assert heading in copied
    assert f"I saw it myself {XSS}" in copied

    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()
    path = Path(download.value.path())
    assert path.read_bytes().startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    first = reader.pages[0].extract_text()
    assert "DRAFT" in first
    assert download.value.suggested_filename.endswith(".pdf")
    # Built from the same structure as the page: bookmarks for its sections, the
    # language set, the case reference and guidance version in the header, links.
    sections = [i.title for group in reader.outline if isinstance(group, list) for i in group]
    assert sections == headings
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    ref = download.value.suggested_filename.removeprefix("golden-hour-draft-").removesuffix(".pdf")
    assert f"Case reference: {ref}" in first and "Guidance version:" in first
    uris = {
        a.get_object()["/A"]["/URI"]
        for p in reader.pages
        for a in p.get("/Annots", [])
        if "/A" in a.get_object()
    }
    assert "tel:999" in uris
    page.screenshot(path=str(SHOTS / "widget-summary.png"), full_page=True)


def test_keyboard_only(context: BrowserContext, servers: Servers) -> None:
    page = open_widget(context, servers)
    # Tab from the top of the page to the "No" choice, and choose it with Enter.
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent") == "No":
            break
    else:
        raise AssertionError("the No choice cannot be reached with Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    count = page.locator(".gh-msg").count()
    page.keyboard.press("Enter")
    wait_for_reply(page, count)
    # Focus moves to the next question's first choice, ready for the next answer.
    expect(page.locator(":focus")).to_have_text("Teacher or school staff")
    count = page.locator(".gh-msg").count()
    page.keyboard.press("Enter")
    wait_for_reply(page, count)
    # Typing works from the keyboard too.
    page.keyboard.press("Shift+Tab")
    page.locator("#gh-input").focus()
    page.keyboard.type("England")
    count = page.locator(".gh-msg").count()
    page.keyboard.press("Enter")
    wait_for_reply(page, count)
    expect(page.locator(".gh-msg").last).to_contain_text("Where did you meet the child?")


def test_new_messages_are_announced(context: BrowserContext, servers: Servers) -> None:
    page = open_widget(context, servers)
    log = page.locator(".gh-log")
    assert log.get_attribute("role") == "log"
    assert log.get_attribute("aria-live") == "polite"
    assert page.locator(".gh-msg.gh-bot").count() >= 2  # in the live region
    assert page.locator(".gh-widget").get_attribute("lang") == "en-GB"
    count = page.locator(".gh-msg").count()
    page.get_by_role("button", name="Newid i'r Gymraeg").click()
    wait_for_reply(page, count)
    expect(page.locator(".gh-widget")).to_have_attribute("lang", "cy")
    expect(page.locator(".gh-send")).not_to_have_text("Send")
    assert axe(page) == []


def test_embedded_in_another_site(
    browser: Browser, servers: Servers, sites: tuple[Site, Site]
) -> None:
    allowed, other = sites
    ctx = browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        page = ctx.new_page()
        page.goto(allowed.origin)
        launcher = page.locator(".gh-launcher")
        expect(launcher).to_have_attribute("aria-expanded", "false", timeout=30_000)
        launcher.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#gh-panel")).to_be_visible()
        expect(page.locator("#gh-input")).to_be_focused()
        expect(choice(page, "Yes")).to_be_enabled(timeout=60_000)
        page.screenshot(path=str(SHOTS / "widget-embedded.png"))
        # The panel links the service's pages too, each opening in a new tab.
        about = page.locator('#gh-panel a[data-gh-page="privacy"]')
        expect(about).to_contain_text("Privacy")
        assert about.get_attribute("href").endswith("/webhooks/widget/privacy")
        assert about.get_attribute("target") == "_blank"
        assert axe(page) == []
        page.keyboard.press("Escape")
        expect(page.locator("#gh-panel")).to_be_hidden()
        expect(launcher).to_be_focused()

        # A site that is not on the allow-list gets no conversation.
        page = ctx.new_page()
        page.goto(other.origin)
        page.locator(".gh-launcher").click()
        page.wait_for_timeout(3_000)
        assert page.locator(".gh-msg").count() == 0
        assert page.locator("#gh-input").is_disabled()
    finally:
        ctx.close()


def test_text_at_200_percent_and_reduced_motion(browser: Browser, servers: Servers) -> None:
    ctx = browser.new_context(viewport={"width": 1024, "height": 768}, reduced_motion="reduce")
    try:
        page = open_widget(ctx, servers)
        page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
        press(page, "No")
        width = page.evaluate(
            "() => { const w = document.querySelector('.gh-widget');"
            " return [w.scrollWidth, w.clientWidth]; }"
        )
        assert width[0] <= width[1] + 1, "no sideways scrolling at 200%"
        assert in_viewport(page, ".gh-emergency")
        animation = page.evaluate(
            "() => getComputedStyle(document.querySelector('.gh-dots'), '::after').animationName"
        )
        assert animation == "none"
        page.screenshot(path=str(SHOTS / "widget-200-percent.png"))
    finally:
        ctx.close()


def test_training_mode_to_the_debrief(context: BrowserContext, servers: Servers) -> None:
    from bot.training.runner import message_for
    from bot.training.scenarios import load_scenarios

    scenario = next(s for s in load_scenarios().scenarios if s.id.startswith("county-lines"))
    page = context.new_page()
    page.goto(f"{servers.base}/webhooks/widget/training?group=browser")
    expect(page.locator(".gh-training-banner")).to_contain_text("TRAINING", timeout=60_000)
    expect(choice(page, scenario.title)).to_be_enabled(timeout=60_000)
    # Each scenario is listed once: as its button, not again as a numbered line.
    picker = page.locator(".gh-msg", has=choice(page, scenario.title)).last
    assert picker.inner_text().count(scenario.title) == 1
    page.screenshot(path=str(SHOTS / "widget-training-opening.png"))
    press(page, scenario.title)
    expect(page.locator(".gh-kind-vignette").last).to_contain_text(scenario.vignette[0].text[:40])
    press(page, "Ask: find out more")
    expect(page.locator(".gh-kind-vignette").last).to_contain_text(scenario.vignette[1].text[:40])
    credential = json.loads(page.evaluate("() => Object.values(sessionStorage)[0]"))["session"]
    sender = credential.split(".")[0]
    assert sender.startswith("train-g-browser-")
    for _ in range(150):
        case = servers.tracker(sender)["slots"]["case"]
        pending = case["pending"]
        if pending == "done":
            break
        answered = tuple(case.get("answers") or {})
        type_message(page, message_for(scenario, pending, typed=False, answered=answered))
    debrief = page.locator(".gh-kind-debrief .gh-draft").last
    expect(debrief).to_contain_text("Score: 100/100")
    # The debrief arrives as a document with the focus on its heading.
    expect(page.locator(":focus")).to_have_class(re.compile("gh-summary-heading"))
    expect(page.locator(":focus")).to_have_text("Debrief")
    assert axe(page) == []
    page.get_by_role("button", name="Copy debrief").click()
    expect(page.locator(".gh-notice")).to_have_text("Debrief copied")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download debrief (PDF)").click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert "TRAINING" in pdf.pages[0].extract_text()
    page.screenshot(path=str(SHOTS / "widget-training-debrief.png"))
    page.set_viewport_size({"width": 375, "height": 700})
    page.locator(".gh-kind-debrief .gh-summary-heading").last.focus()
    page.screenshot(path=str(SHOTS / "widget-training-debrief-phone.png"))


SIZES = {
    "desktop": ({"width": 1280, "height": 800}, "100%"),
    "phone": ({"width": 375, "height": 700}, "100%"),
    "phone-200-percent-text": ({"width": 375, "height": 700}, "200%"),
    "desktop-200-percent-text": ({"width": 1280, "height": 800}, "200%"),
}


@pytest.mark.parametrize("size", list(SIZES))
def test_the_layout_holds_to_the_draft(browser: Browser, servers: Servers, size: str) -> None:
    """The header, the 999 bar and the input stay in view after a long conversation,
    however it is scrolled; only the conversation scrolls. The draft arrives as a
    document, with the focus on its heading; every phone number is a tel: link."""
    viewport, text_size = SIZES[size]
    ctx = browser.new_context(
        viewport=viewport, permissions=["clipboard-read", "clipboard-write"], bypass_csp=True
    )
    try:
        page = open_widget(ctx, servers)
        page.evaluate(f"() => {{ document.documentElement.style.fontSize = '{text_size}'; }}")
        opening = boxes(page)
        assert fixed_parts_in_view(opening), opening
        page.screenshot(path=str(SHOTS / f"widget-opening-{size}.png"))
        play_to_draft(page)
        # Where the focus went when the draft arrived (checked after the layout).
        focused_then = page.evaluate(
            "() => [document.activeElement.className, document.activeElement.textContent]"
        )
        heading_in_view = in_viewport(page, ".gh-kind-summary .gh-summary-heading")
        at_draft = boxes(page)
        scroll_every_way(page)
        after = boxes(page)
        (SHOTS / f"layout-{size}.json").write_text(
            json.dumps({"opening": opening, "at_draft": at_draft, "after_scrolling": after}),
            encoding="utf-8",
        )
        for figures in (at_draft, after):
            assert fixed_parts_in_view(figures), figures
            assert figures["pageHeight"] <= figures["viewport"] + 1, figures
            assert figures["pageWidth"] <= figures["width"] + 1, figures
            assert figures["sendFits"], figures
        assert after["logScroll"] != at_draft["logScroll"] or at_draft["logScroll"] > 0

        # The draft's heading had the focus, in view, with Copy and the downloads under it.
        assert focused_then == ["gh-summary-heading", "Draft referral summary"], focused_then
        assert heading_in_view
        page.locator(".gh-kind-summary .gh-summary-heading").last.focus()
        page.keyboard.press("Tab")
        expect(page.locator(":focus")).to_have_text("Copy summary")
        summary = page.locator(".gh-kind-summary").last
        # Headings in order: h1 the service, h2 the draft, h3 its title, h4 its sections.
        assert summary.locator("h2.gh-summary-heading").count() == 1
        assert summary.locator(".gh-draft h3").count() == 1
        assert summary.locator(".gh-draft h4").count() >= 6
        assert summary.locator(".gh-draft li").count() >= 5
        assert summary.locator("pre, [aria-label]:not([role])").count() == 0
        page.locator(".gh-kind-summary .gh-summary-heading").last.focus()
        page.evaluate(
            "() => { const h = document.querySelector('.gh-kind-summary .gh-summary-heading');"
            " const log = document.querySelector('.gh-log');"
            " log.scrollTop += h.getBoundingClientRect().top"
            " - log.getBoundingClientRect().top - 8; }"
        )
        page.screenshot(path=str(SHOTS / f"widget-draft-{size}.png"))

        # Every phone number shown (999, 101, the helplines, text relay) is a tel: link.
        numbers = contact_numbers()
        assert {"999", "101", "18000", "18001 101"} <= set(numbers)
        shown = page.locator("body").inner_text()
        assert "999" in shown and knowledge().contact("nspcc_helpline").phone in shown
        assert numbers_outside_tel_links(page, numbers) == []
        assert page.locator('.gh-emergency a[href="tel:999"]').count() == 1
        web_link = page.locator('a.gh-link-web[href^="https://"]').first
        assert web_link.get_attribute("target") == "_blank"
        assert axe(page) == []
    finally:
        ctx.close()


def test_nothing_overflows_at_320_pixels(browser: Browser, servers: Servers) -> None:
    ctx = browser.new_context(viewport={"width": 320, "height": 568}, bypass_csp=True)
    try:
        page = open_widget(ctx, servers)
        press(page, "No")
        figures = boxes(page)
        assert figures["pageWidth"] <= 321, figures
        assert fixed_parts_in_view(figures), figures
        assert figures["sendFits"], figures
        overflowing = page.evaluate(
            """() => [...document.querySelectorAll('.gh-widget *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .map(e => e.className || e.tagName).slice(0, 5)"""
        )
        assert overflowing == []
        assert axe(page) == []
        page.screenshot(path=str(SHOTS / "widget-320.png"))
        # On a small screen the footer's links are behind one button, by keyboard too.
        tab_to(page, "About this service")
        page.keyboard.press("Enter")
        tab_to(page, "Privacy", presses=5)
        page.keyboard.press("Enter")
        expect(page.locator("h1")).to_have_text("Privacy notice")
    finally:
        ctx.close()


PAGES = {
    "Who runs this service": "Who runs this service",
    "Privacy": "Privacy notice",
    "Accessibility": "Accessibility statement",
    "Feedback": "Feedback",
}


def tab_to(page: Page, name: str, presses: int = 80) -> None:
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"{name!r} cannot be reached with Tab")


def test_the_service_pages_by_keyboard_from_every_page(
    context: BrowserContext, servers: Servers
) -> None:
    page = open_widget(context, servers)
    for link, heading in PAGES.items():
        page.goto(f"{servers.base}/webhooks/widget/")
        expect(choice(page, "Yes")).to_be_enabled(timeout=60_000)
        tab_to(page, link)
        page.keyboard.press("Enter")
        expect(page.locator("h1")).to_have_text(heading)
        assert axe(page) == []
        # From this page, every other page by keyboard too.
        for other, other_heading in PAGES.items():
            here = page.url
            tab_to(page, other)
            page.keyboard.press("Enter")
            expect(page.locator("h1")).to_have_text(other_heading)
            page.goto(here)
    privacy = context.new_page()
    privacy.goto(f"{servers.base}/webhooks/widget/privacy")
    text = privacy.locator("main").inner_text()
    assert "30 days" in text  # the retention period, from the configuration
    assert "demonstration" in text
    assert "never the words you typed" in text
    page.goto(f"{servers.base}/webhooks/widget/accessibility?lang=cy")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert axe(page) == []
