"""Runtime helpers shared by stages: I/O threads, the process pool and clean interrupts."""
