"""Forums: every space has one. Categories, threads, posts, reactions, mentions, moderation."""
