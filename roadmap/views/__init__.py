"""The roadmap pages: one module per part (the roadmap and its items, execution, import and copy, export)."""
