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
    echo "$1: installing stario[dev] into .venv"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".[dev]"
    echo "$wanted" > "$stamp"
fi
