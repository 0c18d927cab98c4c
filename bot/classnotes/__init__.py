"""Each class its own notes, added by its teacher from the chat: limits, the per-class cache, the changes."""
