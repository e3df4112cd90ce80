"""Object stores: the protocol, S3 and a local folder."""
