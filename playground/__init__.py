"""The playground: a local Stario app where a learner reads a lesson, edits and runs its code,
and sees every request, SSE event and span it makes.

- `stario.playground.runner`: runs the learner's code in a child process per run;
- `stario.playground.store`: keeps edits and completed lessons in a SQLite file;
- `stario.playground.security`: loopback only, a token, no cross-site requests.
"""
