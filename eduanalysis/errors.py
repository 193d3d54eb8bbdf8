"""The package's one exception type.

Every error eduanalysis raises on purpose is an :class:`EduAnalysisError` whose
message names the file (or table, or parameter) at fault and says what to do.
"""


class EduAnalysisError(Exception):
    """A problem with the user's input or configuration, explained for the user."""
