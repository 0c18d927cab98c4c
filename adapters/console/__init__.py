"""The console adapter: the default front end, and the backend every feature is tested through."""
