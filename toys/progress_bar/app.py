"""A progress bar: a Command starts a long job and streams its progress, one patch per step.

Run it with ``stario serve toys.progress_bar.app:app``.
"""

import asyncio
from itertools import count

from stario import Command, Context, Query, Stario
from stario.datastar import attr, indicator, on, post
from stario.html import button, div, h2, p, progress, span
from stario.toys import ToyPage

STEPS = ["fetch", "parse", "validate", "resize", "compress", "upload", "index", "notify", "clean up", "report"]
STEP_SECONDS = 0.1  # pretend work; a real job would await I/O here
job_ids = count(1)


def job_view(done: int, note: str, job: int | None = None) -> str:
    percent = round(100 * done / len(STEPS))
    return div(
        {"id": "job", "data-job": job},
        progress({"id": "bar", "value": percent, "max": 100, "style": "width: 100%"}),
        p(span({"id": "percent"}, f"{percent}%"), " ", span({"id": "note"}, note)),
    )


async def home():
    return ToyPage(
        div(
            h2("Progress"),
            button(
                {"id": "start", "data-signals": {"_running": False}}
                | indicator("_running")
                | attr({"disabled": "$_running"})
                | on("click", post("/jobs")),
                "Start the job",
            ),
            job_view(0, "Not started."),
        ),
        title="Progress bar",
    )


async def start_job(c: Context):
    """A Command that streams: each finished step yields the bar again; a span per step."""
    job = next(job_ids)
    c.span.attr("job.id", job)
    yield job_view(0, "Starting...", job)
    for done, name in enumerate(STEPS, start=1):
        with c.span.step("job.step", job=job, step=name, index=done):
            await asyncio.sleep(STEP_SECONDS)
        yield job_view(done, f"Step {done} of {len(STEPS)}: {name}", job)
    yield job_view(len(STEPS), "Done.", job)


app = Stario(Query("/", home), Command("/jobs", start_job))
