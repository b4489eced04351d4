"""The hub's training: courses seeded from the package."""
