"""Quizzes: the question bank (authored and generated), marking, the daily pick, spaced repetition."""
