"""Finding and reading the archive's README files, refusing what is not one."""

import os
from dataclasses import dataclass
from pathlib import Path

# A README of nine years of meetups is about 20 KB; anything past this is not one,
# and reading it whole would only waste memory.
MAX_FILE_BYTES = 5 * 1024 * 1024
# A folder with more READMEs than this is not the archive (someone passed "/").
MAX_FILES = 2000
_SKIPPED_FOLDERS = {"node_modules", "__pycache__", ".venv", "venv"}


class ArchiveInputError(Exception):
    """The input cannot be imported at all; the message says what to fix."""


@dataclass
class Document:
    """One README: its name as shown in the report, and its text with Unix line ends."""

    name: str
    path: Path
    text: str


def is_readme(path):
    name = path.name.lower()
    return name.endswith(".md") and "readme" in name


def find_files(paths):
    """The README files to read: files as given, folders searched (sorted, hidden folders skipped).

    Raises ArchiveInputError for a path that does not exist or a folder without READMEs.
    """
    found, seen = [], set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise ArchiveInputError(f"{raw}: no such file or folder.")
        if path.is_dir():
            readmes = _readmes_in(path)
            if not readmes:
                raise ArchiveInputError(
                    f"{raw}: no README files in this folder (looked for *README*.md, also in subfolders)."
                )
        else:
            readmes = [path]
        for readme in readmes:
            resolved = readme.resolve()
            if resolved not in seen:
                seen.add(resolved)
                found.append(readme)
    return found


def _readmes_in(folder):
    readmes = []
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if not name.startswith(".") and name not in _SKIPPED_FOLDERS)
        for name in sorted(files):
            path = Path(root) / name
            if is_readme(path):
                readmes.append(path)
                if len(readmes) > MAX_FILES:
                    raise ArchiveInputError(
                        f"{folder}: more than {MAX_FILES} README files; point the import at the archive's folder."
                    )
    return readmes


def read_document(path, report):
    """The file as a Document, or None after reporting why it cannot be read."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            report.error(
                name,
                f"the file has {size / 1024 / 1024:.1f} MB; the limit is {MAX_FILE_BYTES // 1024 // 1024} MB "
                "per file (the archive's README has about 20 KB), so it was not read",
            )
            return None
        data = path.read_bytes()
    except OSError as error:
        report.error(name, f"cannot be read: {error.strerror or error}")
        return None
    if not data.strip():
        report.error(name, "the file is empty")
        return None
    if b"\0" in data[:8192]:
        report.error(name, "this is a binary file, not a markdown README")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        report.error(name, f"not UTF-8 text (byte {error.start}); save the README as UTF-8")
        return None
    return Document(name=name, path=path, text=text.replace("\r\n", "\n").replace("\r", "\n"))
