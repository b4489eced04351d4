"""Small analyzers for the governance tests, each in its own package as the contract asks."""
