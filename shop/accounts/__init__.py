"""Staff accounts: sign-in, roles (staff, manager), password changes."""
