"""CSV files that people open in a spreadsheet."""


def safe_cell(value):
    """A cell someone typed, which a spreadsheet will not run as a formula ('=cmd()', '+', '-', '@' at the start)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
