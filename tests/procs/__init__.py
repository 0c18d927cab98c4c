"""Helper programs the multi-process and fault tests run as separate Python processes."""
