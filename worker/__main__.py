"""`python -m worker` is the same as the `newswatch` command."""

from worker.cli import main

if __name__ == "__main__":
    main()
