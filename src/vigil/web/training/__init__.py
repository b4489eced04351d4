"""The hub's training: courses, lessons, quizzes, progress, certificates and cohorts."""
