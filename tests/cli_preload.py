"""What the fork server of tests/cli_process.py imports once, for every `fto` run forked from it."""

from engine import answers, cli, questions, session, solve  # noqa: F401
from engine.rules import library

library()
