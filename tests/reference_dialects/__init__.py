"""Hand-written dialects that a framework profile replaced, kept as the reference the profile must
reproduce exactly on every sample, corpus file and random document (tests/test_profiles.py)."""
