"""Code generation of the CEP pattern nodes (owned by the pattern engine): contexts for templates/sss/<type>.py.j2."""
