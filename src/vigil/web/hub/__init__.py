"""The hub's tool catalogue in the web app: tools, reviews, curation, search and comparison."""
