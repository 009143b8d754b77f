"""Development tools: checks run by `make lint` that are not part of the service."""
