"""Select: ledger states, dedupe and the per-agent sample."""
