"""Report: the data model behind each scorecard and the team summary, and past weeks."""
