"""Pure Python helpers without Django models: settings parsing, geometry, text."""
