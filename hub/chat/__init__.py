"""Chat: channels in spaces, direct conversations, messages that are never lost or doubled."""
