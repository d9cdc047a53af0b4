"""Browser (end-to-end) tests: a real server and headless Chromium; see conftest.py."""
