"""What the routes call. Services flush and never commit: the request boundary (server/api/boundary.py) commits once."""
