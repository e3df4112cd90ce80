"""Agreement statistics for calibration: kappa, bias and their intervals (pure)."""
