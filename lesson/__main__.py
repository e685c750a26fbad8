"""``python -m lesson``: execute the lesson notebook and write it as HTML."""

import sys

from lesson.run import main

sys.exit(main())
