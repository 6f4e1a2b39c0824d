"""The meetup's GitHub archive (vdlm/meetups) in and out.

- `import_archive(paths, dry_run=False)` reads the root README and the editions'
  READMEs, merges them and writes editions, talks, people, venues and hosts; it
  returns a Report of everything it did, doubted or skipped (see docs/archive.md).
- `export(format, editions_for_export(...))` writes the README's `## Meetups` table,
  CSV or JSON.
"""

from .export import FORMATS, editions_for_export, export
from .importer import import_archive
from .report import Report
from .sources import MAX_FILE_BYTES, ArchiveInputError

__all__ = [
    "FORMATS",
    "MAX_FILE_BYTES",
    "ArchiveInputError",
    "Report",
    "editions_for_export",
    "export",
    "import_archive",
]
