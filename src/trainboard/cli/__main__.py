"""``python -m trainboard.cli``."""

from trainboard.cli.main import main

main()
