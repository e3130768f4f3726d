"""``python -m trainboard``: the command line (``python -m trainboard --logdir DIR``)."""

from trainboard.cli.main import main

if __name__ == "__main__":
    main()
