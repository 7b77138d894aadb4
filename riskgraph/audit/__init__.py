"""Who read and wrote what, in a trail that shows any tampering (see ``trail.py``)."""
