"""Analysts' views over scored months: hotspots (region × industry) and risk groups (Leiden communities).

Pure functions over tables and the scorer's projection; the jobs read ratings and write results.
"""
