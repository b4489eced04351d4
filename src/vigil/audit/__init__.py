"""The tamper-evident audit log: `chain` (pure hashing and verification, no Django) and
`log` (appending to and reading the database, with the anchor file)."""
