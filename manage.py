#!/usr/bin/env python
"""Django's manage.py, kept for habit; ``chalkline`` does the same with dashed command names."""

from chalkline.__main__ import main

if __name__ == "__main__":
    main()
