"""One module per CLI command; see observatoire.cli."""
