"""The chat views of a case: conversations, the reader, timeline, contact graph, entities and
the evidence report. Every view goes through `audited.chat_case` (membership, then the role)."""
