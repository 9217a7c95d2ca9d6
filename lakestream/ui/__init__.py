"""The builder UI (NiceGUI): everything here calls the core; nothing in the core imports this package."""
