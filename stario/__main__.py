"""``python -m stario``: the same as the ``stario`` command."""

from stario.cli import main

raise SystemExit(main())
