"""Where the folders shipped with the engine (rules/, cases/, examples/) are read from.

Installed, they are packages (engine.rulebook, engine.casebook, engine.examples: see
pyproject.toml). Run from a checkout, `import engine` finds the source tree, which has no such
subpackages, so the checkout's own folder is used: the one a developer is editing.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

CHECKOUT = Path(__file__).resolve().parent.parent


def bundled_folder(package: str, folder: str, marker: str) -> Any:
    """The checkout's `folder` when it holds `marker`, else the installed `package`'s files."""
    checkout = CHECKOUT / folder
    if (checkout / marker).exists():
        return checkout
    return resources.files(package)
