"""Reference code tables and identifier rules (regions, industries, USCC, resident ID, addresses)."""
