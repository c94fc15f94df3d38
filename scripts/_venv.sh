# Sourced by scripts/test and scripts/playground (from the repository root): create .venv if it is
# missing, and install Stario with its development tools into it, again whenever pyproject.toml
# changes. $1 names the calling script in its messages.
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "$1: creating .venv with $($PYTHON --version)"
    "$PYTHON" -m venv .venv
fi
stamp=".venv/.stario-installed"
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ] || ! .venv/bin/python -c "import stario" 2>/dev/null; then
    echo "$1: installing stario[dev] into .venv (details in .venv/install.log)"
    # pip's own output goes to a log, shown only when something fails: setuptools prints an
    # informational note on every editable install, which a newcomer would read as a failure.
    if ! { .venv/bin/python -m pip install --upgrade pip && .venv/bin/python -m pip install -e ".[dev]"; } > .venv/install.log 2>&1; then
        cat .venv/install.log >&2
        echo "$1: installing into .venv failed; the log above is also in .venv/install.log" >&2
        exit 1
    fi
    echo "$wanted" > "$stamp"
fi
