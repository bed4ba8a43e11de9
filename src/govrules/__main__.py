"""``python -m govrules``: the same program as the ``govrules`` command."""

from govrules.cli import main

main()
