"""A long table of plain-text rows, drawn with one text object per page: the traceability tables of a certificate
run to thousands of rows, and reportlab's general Table spends most of a 500-component certificate laying out
and drawing them cell by cell (measured: about two thirds of the issue time). Rows split between pages with the
header repeated; failed rows print in the alert colour."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable

from app.reports.styles import ALERT, BOLD, FONT, HEAD_FILL, INK, RULE, TABLE_SIZE, ZEBRA

PAD_X, PAD_Y = 2.5, 1.6
LEADING = TABLE_SIZE * 1.2


class RowTable(Flowable):
    def __init__(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float], *,
                 bad_rows: frozenset[int] = frozenset(), first_index: int = 0) -> None:
        """`header` and `rows` hold text already fitted to the column widths ('\\n' between lines)."""
        super().__init__()
        self.hAlign = "CENTER"  # as reportlab's Table: both span the frame's padding alike and line up
        self.header = [h.split("\n") for h in header]
        self.rows = [[cell.split("\n") for cell in row] for row in rows]
        self.widths = list(widths)
        self.bad_rows = bad_rows  # indexes into the whole table, so a split keeps them
        self.first_index = first_index  # of this part's first row, for the zebra stripes and bad rows
        self.header_height = max(len(h) for h in self.header) * LEADING + 2 * PAD_Y
        self.heights = [max(len(c) for c in row) * LEADING + 2 * PAD_Y for row in self.rows]

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = sum(self.widths)
        self.height = self.header_height + sum(self.heights)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        used, fits = self.header_height, 0
        for height in self.heights:
            if used + height > available_height:
                break
            used += height
            fits += 1
        if fits == 0:
            return []  # not even one row below the header: the frame moves the table to the next page
        if fits == len(self.rows):
            return [self]
        rows = [["\n".join(lines) for lines in row] for row in self.rows]
        header = ["\n".join(lines) for lines in self.header]
        return [RowTable(header, rows[:fits], self.widths, bad_rows=self.bad_rows, first_index=self.first_index),
                RowTable(header, rows[fits:], self.widths, bad_rows=self.bad_rows,
                         first_index=self.first_index + fits)]

    def draw(self) -> None:
        canvas = self.canv
        width, top = sum(self.widths), self.header_height + sum(self.heights)
        lefts = [sum(self.widths[:i]) for i in range(len(self.widths))]
        canvas.saveState()
        canvas.setFillColor(HEAD_FILL)
        canvas.rect(0, top - self.header_height, width, self.header_height, stroke=0, fill=1)
        y = top - self.header_height
        canvas.setFillColor(ZEBRA)
        rules = []
        for offset, height in enumerate(self.heights):
            if (self.first_index + offset) % 2 == 1:
                canvas.rect(0, y - height, width, height, stroke=0, fill=1)
            y -= height
            rules.append((0, y, width, y))
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.25)
        canvas.lines(rules)
        canvas.setLineWidth(0.8)
        canvas.line(0, top - self.header_height, width, top - self.header_height)

        text = canvas.beginText()
        text.setFillColor(INK)
        text.setFont(BOLD, TABLE_SIZE, LEADING)
        self._cells(text, self.header, lefts, top)
        text.setFont(FONT, TABLE_SIZE, LEADING)
        y = top - self.header_height
        for offset, (row, height) in enumerate(zip(self.rows, self.heights)):
            bad = self.first_index + offset in self.bad_rows
            if bad:
                text.setFillColor(ALERT)
            self._cells(text, row, lefts, y)
            if bad:
                text.setFillColor(INK)
            y -= height
        canvas.drawText(text)
        canvas.restoreState()

    @staticmethod
    def _cells(text, row: list[list[str]], lefts: list[float], top: float) -> None:
        for left, lines in zip(lefts, row):
            baseline = top - PAD_Y - TABLE_SIZE * 0.93  # the cap height below the cell's top padding
            for line in lines:
                if line:
                    text.setTextOrigin(left + PAD_X, baseline)
                    text.textOut(line)
                baseline -= LEADING
