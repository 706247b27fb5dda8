"""A small OpenID provider (django-oauth-toolkit) that the single sign-on tests start in a
subprocess: its own settings, URLs and SQLite file, never Trygg's (see serve.py)."""
