"""The console's screens, one per area."""
