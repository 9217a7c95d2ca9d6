"""Code generation of the row pattern node (MATCH_RECOGNIZE): SSS with transformWithStateInPandas."""
