"""The `rapport` command line: one module per sub-command."""
