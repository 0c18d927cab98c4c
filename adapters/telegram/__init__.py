"""The Telegram adapter: python-telegram-bot handlers, HTML rendering and the daily-quiz job."""
