"""``python -m lesson``: execute the lesson notebooks and write them as HTML."""

import sys

from lesson.run import main

sys.exit(main())
