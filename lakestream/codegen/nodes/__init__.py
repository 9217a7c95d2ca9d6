"""Context functions of the sources, transforms and sinks (one module per node type, CONTEXTS = {type: fn})."""
