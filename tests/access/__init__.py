"""The authorization matrix and the page-query walk: one world (the demo of every app) per run."""
