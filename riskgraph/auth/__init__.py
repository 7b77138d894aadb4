"""Who may call the service: roles, API keys (kept argon2-hashed) and the file of users."""
