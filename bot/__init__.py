"""revisionbot core: notes -> fact snippets, answers, quizzes and scores, with no chat-platform code."""

__version__ = "0.1.0"
