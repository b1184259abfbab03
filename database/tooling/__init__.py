"""Static tooling over the Oracle sources (no database needed)."""
