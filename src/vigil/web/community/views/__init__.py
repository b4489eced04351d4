"""The community's pages: membership, forum and moderation, knowledge base and directory."""
