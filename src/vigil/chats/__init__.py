"""Chat exports (Telegram Desktop, DiscordChatExporter, Rocket.Chat, WhatsApp, Messenger and
Instagram): streaming readers, entity extraction, language identification and watch-lists. Pure
Python, no Django: the web app's importer (vigil.chats.importing.importer) stores what these
readers yield."""
