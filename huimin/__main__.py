import sys

from huimin.cli import main

sys.exit(main())
