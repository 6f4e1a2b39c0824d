class EditionCodeConverter:
    """Edition codes in URLs: letters, digits and dashes, as the model's check constraint
    allows. Anything else (a NUL byte, say, which PostgreSQL refuses in a query) is a 404
    before it reaches the database."""

    regex = "[A-Za-z0-9-]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
