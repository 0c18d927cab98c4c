"""Questions made from the notes' sentences: words -> lexicon -> facts -> distractors; bot/quiz/generate.py
turns them into questions."""
