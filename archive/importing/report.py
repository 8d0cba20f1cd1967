"""What an import tells its caller: the problems by row and field, and what was written."""

from dataclasses import dataclass, field


@dataclass
class Problem:
    row: int
    field: str
    message: str

    def __str__(self):
        return f"row {self.row}, {self.field}: {self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    valid: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def invalid_rows(self):
        return sorted({problem.row for problem in self.problems})
