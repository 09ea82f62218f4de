"""`python -m plansum.cli`: the same as the `plansum` command."""

from . import main

main()
