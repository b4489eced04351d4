"""Chat exports into the database: conversations, people, messages, entities, watch-lists."""
