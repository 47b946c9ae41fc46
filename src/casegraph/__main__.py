"""``python -m casegraph``: the same as the ``casegraph`` command."""

from .cli import main

main()
