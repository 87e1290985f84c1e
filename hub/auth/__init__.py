"""Accounts: login, invitations, password reset and personal access tokens."""
