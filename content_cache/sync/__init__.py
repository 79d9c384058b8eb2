"""The kiosk end of the feed: fetch it from HTTP, a folder or a zip; verify it; apply it atomically."""
