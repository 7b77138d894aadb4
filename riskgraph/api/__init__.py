"""The HTTP service: thin routes that validate, call a service function and shape the response."""
