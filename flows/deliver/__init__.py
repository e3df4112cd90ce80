"""Delivery of a published week: e-mail to managers (and agents), an optional chat webhook, a
delivery record so each recipient gets a week once."""
