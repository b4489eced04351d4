"""The hub's vetted community: membership requests, vetting, forum, notifications."""
