"""The hub's vetted community: registration, membership, forum, knowledge base, moderation."""
