"""Early warning (监测预警): abnormal registration, abnormal changes and complaint surges, as a pure core.

Functions here take dataframes handed to them (registrations, change and complaint records, firms)
and return alerts with their evidence; they never open a database, read interchange files or
serve anything (``riskgraph.jobs.alerts`` does that). Parameters live in ``alerts.yaml``.
"""
