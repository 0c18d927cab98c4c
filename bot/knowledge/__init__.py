"""Knowledge: notes on disk -> fact snippets -> a search index that answers questions."""
