"""Operations: backing an instance up (database, evidence store, audit anchor) and restoring
it into an empty instance, each step checked against a manifest."""
