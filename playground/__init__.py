"""The playground: a local Stario app where a learner reads a lesson, edits and runs its code,
and sees every request, SSE event and span it makes. It lives in the repository's top-level
``playground/`` folder and ships inside the wheel as ``stario.playground``.

- `stario.playground.server`: two loopback servers (the playground, the preview), one token;
- `stario.playground.app` and `stario.playground.pages`: the pages and their actions;
- `stario.playground.activity`: what the current run did, fed live to the pages;
- `stario.playground.runner`, `stario.playground.child`, `stario.playground.processes`: the
  learner's code in child processes, with limits, and nothing they start left behind;
- `stario.playground.proxy`: the preview's door to the child, reporting what passes;
- `stario.playground.store`: edits, restore points and completed lessons in a SQLite file;
- `stario.playground.security`: loopback only, a token, no cross-site requests.
"""
