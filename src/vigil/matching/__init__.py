"""Hash lists (VICS JSON, CSV, NSRL RDS), their import, and matching: exact and PDQ near."""
