"""Validation problems: one line each, ``FILE:LINE: FIELD: reason``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .words import plural


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one row, feature or file."""

    file: str
    line: int | str  # physical CSV line (header = 1) or "feature N (id)" for GeoJSON
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class FileReport:
    """Counts of valid and rejected records for one file."""

    name: str
    valid: int = 0
    rejected: int = 0


@dataclass
class Report:
    """Everything validation found, per file, in the order found."""

    problems: list[Problem] = field(default_factory=list)
    files: dict[str, FileReport] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # warnings that reject nothing (an encoding read, a date order)
    warnings: list[str] = field(default_factory=list)  # kept rows that look wrong (off the map, off the dates)

    def file(self, key: str, name: str) -> FileReport:
        """Return the counter for ``key``, creating it on first use."""
        if key not in self.files:
            self.files[key] = FileReport(name)
        return self.files[key]

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        out: dict = {k: {"valid": f.valid, "rejected": f.rejected} for k, f in self.files.items()}
        out["problems"] = [p.as_dict() for p in self.problems]
        return out

    def summary_lines(self) -> list[str]:
        return [f"{f.name}: {f.valid} valid, {f.rejected} rejected" for f in self.files.values()]


counted = plural  # the name its callers (cli, importer, upload) import
