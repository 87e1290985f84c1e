"""Notifications: in-app, live over each person's socket room, re-checked when delivered."""
