"""The one error type users see.

Every user-facing failure is a TinycError. The CLI prints it as one line on
stderr and exits with status 2. `where` names the file, node and op.
"""


class TinycError(Exception):
    """A problem with the user's input: printed as one line, exit status 2."""

    def __init__(self, what: str, where: str = ""):
        super().__init__(what)
        self.what = what
        self.where = where

    def __str__(self) -> str:
        msg = f"{self.where}: {self.what}" if self.where else self.what
        return " ".join(msg.split())  # always one line


def where(file: str = "", node: str = "", op: str = "") -> str:
    """Format a location as 'file: node 'n' (Op)'."""
    parts = []
    if file:
        parts.append(str(file))
    if node or op:
        loc = f"node '{node}'" if node else "node"
        if op:
            loc += f" ({op})"
        parts.append(loc)
    return ": ".join(parts)


class BuildError(TinycError):
    """Building or running a generated project failed: the message carries the compiler's,
    linker's or program's own reason, and the project is kept for inspection."""
