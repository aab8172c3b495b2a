"""Work that touches several models at once, each operation in one transaction."""
