"""Test apps for the browser tests: each module defines ``app``, served by ``harness.serve_app``."""
