"""`rapport eval`: agreement of the checks with labelled conversations."""
