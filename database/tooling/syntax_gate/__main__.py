"""python -m database.tooling.syntax_gate [--jobs N] [--no-cache] [paths...]"""
import sys

from database.tooling.syntax_gate.gate import main

sys.exit(main())
