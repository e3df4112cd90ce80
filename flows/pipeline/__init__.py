"""The weekly flow: its wiring, tasks, execution strategy, deployment and serve."""
