"""Use cases. Every write goes through here: permission, validation, audit, one transaction."""
