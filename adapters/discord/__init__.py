"""The Discord adapter: a commands.Bot with slash commands, quiz buttons and the daily post."""
