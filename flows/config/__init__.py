"""Settings, ISO weeks and time zones, the version and Prefect's environment."""
