"""What a learner met in the playground, each gone (issue 11's list), in a real browser:

1. runtime errors are visible, beside the code, with the learner's own lines;
2. the preview has an address bar, back, forward, reload, and the real URL in a new tab;
3. one lesson, one state: nothing leaks from another lesson or an older run;
4. no work is lost: Reset and Solve undo, restore, and a failed save says so;
5. checks run in a child: they fail by assertion and never block the playground;
6. the learner's own processes never hold up a run, and the status follows the app;
7. the preview's guard: the learner's app cannot set the playground's cookie, odd tokens get 403;
8. the inspector shows signals sent, exact event bytes, span details, a scaled waterfall;
9. the editor keeps indentation and lets the keyboard out; the panes fit three window sizes;
10. a stable address, a quick Ctrl+C, and the course's flow (hints, next lesson, files, toys).
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from stario.lessons import load_lessons
from stario.toy_catalog import list_toys
from tests.e2e.playground import Playground, playground_process, run_and_wait, stop, type_code

LESSONS = {lesson.path.name: lesson for lesson in load_lessons()}
FIRST = LESSONS["01-hello-query"]
ROUTES = LESSONS["02-routes-and-parameters"]
SIGNALS = LESSONS["06-signals"]
STREAMING = LESSONS["08-streaming-with-yield"]
RELAY = LESSONS["09-relay-and-fan-out"]
EVENTS = LESSONS["14-datastar-events"]
DIVIDE = FIRST.app_code.replace('return "<h1>Hello, web</h1>"', "return 1 / 0")


@pytest.fixture(scope="module")
def playground(tmp_path_factory) -> Iterator[Playground]:
    with playground_process(tmp_path_factory.mktemp("playground-data")) as pg:
        yield pg


def lesson_with(page, pg: Playground, lesson, code: str) -> None:
    pg.open(page, lesson.path.name)
    type_code(page, code)


# -- 1. runtime errors are visible ------------------------------------------------------------------


def test_a_handler_that_raises_shows_its_traceback_line_and_request_beside_the_code(page, playground):
    lesson_with(page, playground, FIRST, DIVIDE)
    run_and_wait(page)
    errors = page.locator("#errors")
    expect(errors).to_contain_text("ZeroDivisionError: division by zero")
    expect(errors).to_contain_text('File "app.py", line 5, in home')
    expect(errors).to_contain_text("return 1 / 0")
    expect(page.locator("#status")).to_contain_text("running")
    expect(page.locator("#gutter span:nth-child(5)")).to_have_class(re.compile(r"\berror\b"))
    expect(page.locator("#error-line")).to_be_visible()
    row = page.locator("#requests li.request.raised", has_text="GET /").first
    expect(row).to_contain_text("500")
    expect(row).to_contain_text("raised ZeroDivisionError")
    expect(page.locator("#console")).to_contain_text("ZeroDivisionError")


def test_a_check_quotes_the_learners_lines_not_the_repositorys(page, playground):
    lesson_with(page, playground, FIRST, DIVIDE)
    page.click("#check")
    checks = page.locator("#checks")
    expect(checks).to_contain_text('File "app.py", line 5', timeout=20000)
    expect(checks).not_to_contain_text("lessons/01-hello-query")


def test_an_error_at_import_says_crashed_with_its_line_and_traceback(page, playground):
    lesson_with(page, playground, FIRST, "from stario import Stario\n\n\ndef broken():\n    return {}['nope']\n\n\nbroken()\napp = Stario()\n")
    page.click("#run")
    expect(page.locator("#status")).to_contain_text("crashed on line 5: KeyError", timeout=15000)
    expect(page.locator("#errors")).to_contain_text('File "app.py", line 8')
    expect(page.locator("#preview-pane")).to_contain_text("Your app is not running")


# -- 2. the preview can be navigated -----------------------------------------------------------------


def test_the_address_bar_back_forward_reload_and_a_new_tab(page, playground):
    playground.open(page, ROUTES.path.name)
    run_and_wait(page)
    frame = page.frame_locator("#preview")
    address = page.locator("#preview-address")
    expect(page.locator("#preview-back")).to_be_disabled()
    frame.locator("a", has_text="Dune").click()
    expect(address).to_have_value(re.compile(r"^/books/"))
    visited = address.input_value()
    page.get_by_label("Back").click()
    expect(address).to_have_value("/")
    expect(frame.locator("body")).to_contain_text("Dune")
    page.get_by_label("Forward").click()
    expect(address).to_have_value(visited)
    address.fill("/books/9")
    address.press("Enter")
    expect(frame.locator("body")).to_contain_text("no book with id 9")
    page.get_by_label("Reload").click()
    expect(frame.locator("body")).to_contain_text("no book with id 9")
    open_tab = page.get_by_label("Open in a new tab")
    expect(open_tab).to_have_attribute("href", f"http://127.0.0.1:{playground.preview}/books/9")
    with page.context.expect_page() as opened:
        open_tab.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url == f"http://127.0.0.1:{playground.preview}/books/9"
    expect(tab.locator("body")).to_contain_text("no book with id 9")


def test_paths_in_the_prose_open_in_the_preview(page, playground):
    playground.open(page, ROUTES.path.name)
    run_and_wait(page)
    link = page.locator("#lesson a.preview-path", has_text="/books/1").first
    link.click()
    expect(page.locator("#preview-address")).to_have_value("/books/1")
    expect(page.frame_locator("#preview").locator("body")).to_contain_text("Dune")


# -- 3. one lesson, one state --------------------------------------------------------------------------


def test_another_lessons_app_and_requests_stay_out_of_a_lesson(page, playground):
    lesson_with(page, playground, STREAMING, STREAMING.app_code)
    run_and_wait(page)
    expect(page.locator("#requests li.request").first).to_be_visible()
    page.goto(f"{playground.base}/lessons/{RELAY.path.name}")
    expect(page.locator("#preview")).to_have_count(0)
    expect(page.locator("#preview-pane")).to_contain_text("Press Run")
    page.wait_for_timeout(1000)  # lesson 8's stream is still running somewhere: nothing of it shows here
    expect(page.locator("#requests li")).to_have_count(0)
    expect(page.locator("#spans li")).to_have_count(0)


def test_a_failed_run_replaces_the_old_preview_and_old_results_go_stale(page, playground):
    lesson_with(page, playground, FIRST, FIRST.solution_code)
    run_and_wait(page)
    page.click("#check")
    expect(page.locator("#checks")).to_contain_text("lesson complete", timeout=20000)
    expect(page.locator("#checks")).not_to_have_class(re.compile("stale"))
    page.locator("#code").press("End")
    page.keyboard.type("x")
    expect(page.locator("#checks")).to_have_class(re.compile(r"\bstale\b"))
    expect(page.locator("#checks")).to_contain_text("your code changed since")
    type_code(page, "def (:\n")
    page.click("#run")
    expect(page.locator("#status")).to_contain_text("syntax error", timeout=15000)
    expect(page.locator("#preview")).to_have_count(0)
    expect(page.locator("#preview-pane")).to_contain_text("Your app is not running")


def test_clear_empties_the_inspector_and_a_new_run_starts_it_afresh(page, playground):
    lesson_with(page, playground, FIRST, FIRST.app_code)
    run_and_wait(page)
    expect(page.locator("#requests li.request")).not_to_have_count(0)
    page.click("#clear")
    expect(page.locator("#requests li")).to_have_count(0)
    page.get_by_label("Reload").click()
    expect(page.locator("#requests li.request")).to_have_count(1)
    run_and_wait(page)
    expect(page.locator("#requests li.request")).to_have_count(1)  # only the new run's page load


# -- 4. no work is lost ----------------------------------------------------------------------------------


def test_reset_and_solve_undo_exactly_and_the_restore_point_survives_a_reload(page, playground):
    mine = FIRST.app_code.replace("Hello, web", "My own words")
    lesson_with(page, playground, FIRST, mine)
    page.wait_for_timeout(500)  # saved
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#reset")
    editor = page.locator("#code")
    expect(editor).to_have_value(FIRST.app_code)
    editor.focus()
    page.keyboard.press("Control+z")
    expect(editor).to_have_value(mine)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#solve")
    expect(editor).to_have_value(FIRST.solution_code)
    editor.focus()
    page.keyboard.press("Control+z")
    expect(editor).to_have_value(mine)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#reset")
    expect(editor).to_have_value(FIRST.app_code)
    page.wait_for_timeout(500)
    page.reload()
    expect(editor).to_have_value(FIRST.app_code)
    page.click("#restore")
    expect(editor).to_have_value(mine)
    page.reload()
    expect(editor).to_have_value(mine)


def test_a_save_that_fails_says_so(page, playground):
    playground.open(page, FIRST.path.name)
    page.locator("#code").evaluate("(el, text) => { el.value = text; el.dispatchEvent(new Event('input', {bubbles: true})) }", "#" * 300_000)
    expect(page.locator("#save-state")).to_contain_text("Not saved", timeout=5000)
    expect(page.locator("#save-state")).to_contain_text("too large")


# -- 5. checks run in a child ------------------------------------------------------------------------------


def test_lesson_14s_starting_code_fails_its_checks_with_their_messages(page, playground):
    lesson_with(page, playground, EVENTS, EVENTS.app_code)
    page.click("#check")
    checks = page.locator("#checks")
    expect(checks).to_contain_text("Not yet", timeout=20000)
    expect(checks).not_to_contain_text("AttributeError")
    expect(checks.locator("li.fail").first).to_be_visible()


def test_a_check_that_sleeps_at_import_leaves_the_playground_answering(page, playground):
    lesson_with(page, playground, FIRST, "import time\ntime.sleep(3)\n" + FIRST.solution_code)
    page.click("#check")
    expect(page.locator("#checks")).to_contain_text("Checking")
    started = time.monotonic()
    assert "Stario playground" in playground.get("/")
    assert time.monotonic() - started < 1.5, "the playground waited for the check"
    expect(page.locator("#checks")).to_contain_text("lesson complete", timeout=20000)


# -- 6. the status follows the app; the learner's processes never hold a run up -------------------------------


def test_a_handler_that_exits_or_loops_shows_in_the_status(page, playground):
    code = FIRST.app_code + "\n\nimport os\n\n\nasync def leave():\n    os._exit(3)\n\n\napp.query('/leave', leave)\n"
    lesson_with(page, playground, FIRST, code)
    run_and_wait(page)
    page.locator("#preview-address").fill("/leave")
    page.locator("#preview-address").press("Enter")
    expect(page.locator("#status")).to_contain_text("exited with code 3", timeout=10000)
    expect(page.locator("#preview-pane")).to_contain_text("Your app is not running")


def test_a_learner_process_keeping_the_output_does_not_hold_up_the_next_run(page, playground):
    code = (
        "import subprocess, sys\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'], start_new_session=True)\n" + FIRST.app_code
    )
    lesson_with(page, playground, FIRST, code)
    run_and_wait(page)
    type_code(page, FIRST.app_code.replace("Hello, web", "Next run"))
    started = time.monotonic()
    run_and_wait(page, timeout=5)
    expect(page.frame_locator("#preview").locator("h1")).to_have_text("Next run")
    assert time.monotonic() - started < 5


def test_ctrl_c_ends_the_playground_quickly_with_a_tab_open_and_a_learner_process_alive(page, tmp_path):
    code = (
        "import subprocess, sys\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'], start_new_session=True)\n" + STREAMING.app_code
    )
    with playground_process(tmp_path) as pg:
        lesson_with(page, pg, STREAMING, code)
        run_and_wait(page)
        expect(page.frame_locator("#preview").locator("#online-counter")).to_contain_text("Online since", timeout=10000)
        started = time.monotonic()
        stop(pg.process, timeout=5)
        took = time.monotonic() - started
        assert pg.process.returncode is not None
        assert took < 2.0, f"Ctrl+C took {took:.1f} s"


# -- 7. the preview's guard --------------------------------------------------------------------------------


def test_the_learners_app_cannot_overwrite_the_playgrounds_cookie(page, playground):
    name = f"stario_playground_{playground.port}"
    code = FIRST.app_code.replace(
        "async def home():\n",
        f"async def home(c, w):\n    w.cookie({name!r}, 'from-the-learner')\n    w.html('<h1>cookie set</h1>')\n\n\nasync def unused():\n",
    )
    lesson_with(page, playground, FIRST, code)
    run_and_wait(page)
    expect(page.frame_locator("#preview").locator("h1")).to_have_text("cookie set")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies[name] == playground.token
    page.reload()
    expect(page.locator("#lesson h1")).to_be_visible()


@pytest.mark.parametrize("token", ["t\u00f6ken", "\u2603"])
def test_an_odd_token_is_a_403(playground, token):
    for base in (playground.base, f"http://127.0.0.1:{playground.preview}"):
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(f"{base}/?token={quote(token)}", timeout=5)
        assert error.value.code == 403


# -- 8. the inspector ----------------------------------------------------------------------------------------


def test_the_signals_a_request_sent_are_shown_decoded(page, playground):
    lesson_with(page, playground, SIGNALS, SIGNALS.solution_code)
    run_and_wait(page)
    frame = page.frame_locator("#preview")
    # The count shows once the browser client has bound the page; typing before that is lost
    # when the client sets the input from the signal's empty value.
    expect(frame.locator("#count")).to_have_text("0")
    frame.get_by_placeholder("Your name").fill("Ada")
    expect(frame.locator("body")).to_contain_text("Hello, Ada!")
    frame.get_by_role("button", name="Shout").click()
    row = page.locator("#requests li.request", has_text="GET /shout").first
    expect(row).to_contain_text("+ signals")
    expect(row).not_to_contain_text("datastar=")
    row.locator("button").click()
    detail = page.locator("#detail")
    expect(detail).to_contain_text("Signals sent")
    expect(detail.locator("#detail-signals")).to_contain_text('"name": "Ada"')
    expect(detail).to_contain_text("Request headers")
    expect(detail).to_contain_text("datastar-request")


def test_an_events_id_and_retry_lines_are_shown_as_sent(page, playground):
    lesson_with(page, playground, EVENTS, EVENTS.solution_code)
    run_and_wait(page)
    row = page.locator("#requests li.request", has_text="GET /feed").first
    expect(row).to_contain_text("id 3", timeout=10000)
    row.locator("button").click()
    raw = page.locator("#detail pre.raw")
    expect(raw.first).to_contain_text("retry: 5000")
    expect(page.locator("#detail")).to_contain_text("id: 1")


def test_the_newest_event_of_a_stream_stays_in_view(page, playground):
    lesson_with(page, playground, STREAMING, STREAMING.app_code)
    run_and_wait(page)
    page.locator("#requests li.request", has_text="GET /online-counter").first.locator("button").click()
    expect(page.locator("#detail-folded")).to_be_visible(timeout=10000)  # more than twenty: the oldest fold away
    page.wait_for_timeout(1000)
    newest = page.locator("#detail-events li.event").last
    box = page.locator("#detail").locator("xpath=..").bounding_box()
    item = newest.bounding_box()
    assert item is not None and box is not None
    assert item["y"] + item["height"] <= box["y"] + box["height"] + 2, "the newest event is scrolled out of sight"
    assert page.locator("#detail-events li.event").count() <= 21


def test_a_span_shows_its_attributes_events_status_and_traceback(page, playground):
    lesson_with(page, playground, FIRST, DIVIDE)
    run_and_wait(page)
    page.click("#tab-spans")
    failed = page.locator("#spans li.span.failed").first
    expect(failed).to_be_visible(timeout=10000)
    failed.locator("button").click()
    detail = page.locator("#detail")
    expect(detail).to_contain_text("status error")
    expect(detail).to_contain_text("http.path")
    expect(detail).to_contain_text("Traceback")
    expect(detail).to_contain_text("ZeroDivisionError")


def test_the_waterfall_is_scaled_to_its_trace(page, playground):
    code = LESSONS["10-spans"].solution_code
    lesson_with(page, playground, LESSONS["10-spans"], code)
    run_and_wait(page)
    page.locator("#preview-address").fill("/search?q=py")
    page.locator("#preview-address").press("Enter")
    page.click("#tab-spans")
    trace = page.locator("#spans li.trace", has=page.locator("li.span + li.span")).first
    expect(trace).to_be_visible(timeout=10000)
    widths = trace.locator(".bar").evaluate_all("bars => bars.map(b => parseFloat(b.style.width))")
    assert max(widths) > 95, f"the request's bar spans its trace: {widths}"
    assert min(widths) < max(widths), f"its steps are scaled to it: {widths}"


# -- 9. the editor and the page -------------------------------------------------------------------------------


def test_the_editor_numbers_lines_keeps_indentation_and_lets_the_keyboard_out(page, playground):
    playground.open(page, FIRST.path.name)
    editor = page.locator("#code")
    type_code(page, "x = 1")
    expect(page.locator("#gutter span")).to_have_count(1)
    editor.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("def home():")
    page.keyboard.press("Enter")
    page.keyboard.type("if x:")
    page.keyboard.press("Enter")
    page.keyboard.type("return 1")
    expect(editor).to_have_value("x = 1\ndef home():\n    if x:\n        return 1")
    expect(page.locator("#gutter span")).to_have_count(4)
    page.keyboard.press("Shift+Tab")
    expect(editor).to_have_value("x = 1\ndef home():\n    if x:\n    return 1")
    page.keyboard.press("Home")
    page.keyboard.press("Tab")
    expect(editor).to_have_value("x = 1\ndef home():\n    if x:\n        return 1")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    expect(editor).not_to_be_focused()
    expect(page.locator("#editor-keys")).to_contain_text("Esc")
    page.keyboard.press("Shift+Tab")
    expect(editor).to_be_focused()
    page.keyboard.press("Shift+Tab")  # in the editor, Shift+Tab dedents: it does not leave
    expect(editor).to_be_focused()


@pytest.mark.parametrize("size", [(1280, 720), (1440, 900), (1920, 1080)], ids=["1280x720", "1440x900", "1920x1080"])
def test_the_panes_fit_without_overlapping(new_page, playground, size):
    page = new_page()
    page.set_viewport_size({"width": size[0], "height": size[1]})
    playground.open(page, STREAMING.path.name)
    run_and_wait(page)
    boxes = {name: page.locator(selector).bounding_box() for name, selector in (
        ("lesson", "#lesson"), ("editor", "#editor"), ("results", "#results"), ("bar", "#preview-bar"),
        ("preview", "#preview"), ("inspector", "#inspector"), ("actions", "#work .actions"))}
    for name, box in boxes.items():
        assert box is not None and box["width"] > 100 and box["height"] > 20, (name, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= size[0] + 1, (name, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= size[1] + 1, f"{name} is cut off at {size}: {box}"
    names = list(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            A, B = boxes[a], boxes[b]
            overlap_x = min(A["x"] + A["width"], B["x"] + B["width"]) - max(A["x"], B["x"])
            overlap_y = min(A["y"] + A["height"], B["y"] + B["height"]) - max(A["y"], B["y"])
            assert overlap_x <= 1 or overlap_y <= 1, f"{a} and {b} overlap at {size}: {A} {B}"
    assert boxes["preview"]["height"] >= 400, f"the preview is {boxes['preview']['height']:.0f} px tall at {size}"
    assert boxes["inspector"]["height"] >= 150
    page.screenshot(path=str(playground.data / f"layout-{size[0]}x{size[1]}.png"))


def test_a_pane_can_be_resized_and_keeps_its_size(page, playground):
    playground.open(page, FIRST.path.name)
    splitter = page.get_by_label("Resize the lesson")
    before = page.locator("#lesson").bounding_box()["width"]
    splitter.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    after = page.locator("#lesson").bounding_box()["width"]
    assert after > before + 30
    page.reload()
    assert abs(page.locator("#lesson").bounding_box()["width"] - after) < 3


def test_the_lesson_list_numbers_each_lesson_once(page, playground):
    playground.open(page, "/")
    first = page.locator("#toc li").first
    expect(first).to_contain_text(FIRST.title)
    assert not re.match(r"^\s*\d+\.", first.inner_text()), "the title carries no number of its own"


# -- 10. start-up and the course's flow ---------------------------------------------------------------------


def test_a_restart_keeps_the_address_and_an_open_tab_keeps_working(page, tmp_path):
    from tests.servers import free_port

    port, preview = free_port(), free_port()
    with playground_process(tmp_path, port=port, preview=preview) as first:
        first.open(page, FIRST.path.name)
        expect(page.locator("#lesson h1")).to_be_visible()
        url = first.url
    with playground_process(tmp_path, port=port, preview=preview) as second:
        assert second.url == url
        page.reload()
        expect(page.locator("#lesson h1")).to_contain_text(FIRST.title)
    with playground_process(tmp_path, port=port, preview=preview, extra=("--new-token",)) as third:
        assert third.url != url
        page.reload()
        expect(page.locator("body")).to_contain_text("403 Forbidden")


def test_hints_come_one_at_a_time_and_a_pass_leads_to_the_next_lesson(page, playground):
    lesson = FIRST
    lesson_with(page, playground, lesson, lesson.app_code)
    page.click("#hint")
    expect(page.locator("#hints .hint")).to_have_count(1)
    expect(page.locator("#hints")).to_contain_text(f"Hint 1 of {len(lesson.hints)}")
    type_code(page, lesson.solution_code)
    page.click("#check")
    expect(page.locator("#checks")).to_contain_text("lesson complete", timeout=20000)
    expect(page.locator("#progress")).to_contain_text("complete")
    page.click("#next-lesson")
    expect(page).to_have_url(re.compile(r"/lessons/02-routes-and-parameters$"))


def test_the_files_a_lesson_names_open_read_only(page, playground):
    playground.open(page, "15-how-the-client-works")
    link = page.locator("#lesson a.source-link", has_text="client.js").first
    expect(link).to_be_visible()
    with page.context.expect_page() as opened:
        link.click()
    source = opened.value
    expect(source.locator(".source-view")).to_contain_text("data-on")
    expect(source.locator("textarea")).to_have_count(0)


def test_a_toy_can_be_changed_run_and_left_for_the_course(page, playground):
    toy = next(t for t in list_toys() if t.name == "counter")
    playground.open(page, "/toys")
    gallery = page.locator("#gallery")
    expect(gallery).not_to_contain_text("`")
    page.click(f"a[href='/toys/{toy.name}']")
    expect(page.locator("#readme")).to_contain_text(toy.title)
    type_code(page, toy.code.replace("</h1>", " (mine)</h1>", 1) if "</h1>" in toy.code else toy.code + "\n# mine\n")
    run_and_wait(page)
    expect(page.locator("#status")).to_contain_text("running")
    page.reload()
    expect(page.locator("#code")).to_have_value(re.compile("mine"))
    page.click("text=The course")
    expect(page).to_have_url(f"{playground.base}/")
