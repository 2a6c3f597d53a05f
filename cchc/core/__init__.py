"""What every part of the core stands on: errors, YAML, schemas, settings, the layout of folders and URLs."""
