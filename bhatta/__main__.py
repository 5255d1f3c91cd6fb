import sys

from bhatta.cli import main

sys.exit(main())
