"""What the routes call. Services flush and never commit: the route commits once."""
