"""Pure Python helpers with no Django models: settings parsing, geometry, later periods and stats."""
