"""The example-week generator: personas, dialogue and problems that make believable transcripts."""
