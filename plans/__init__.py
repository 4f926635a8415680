"""Construction plans (建设方案), their filing and local approval, the targets ledger and change requests."""
